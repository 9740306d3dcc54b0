/** The contract every ImageStorage keeps (run against each implementation by its own test file). */
import { Readable } from "node:stream";
import type { Test } from "tap";
import type { ImageStorage } from "../../src/store/image-storage.ts";

async function read(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const key = (n: string) => `k-${n}-${Math.random().toString(36).slice(2)}`;

/** Failing after a first chunk, as an upload cut off mid-way or refused for its size. */
function failingStream(): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(Buffer.alloc(64 * 1024, 1));
      } else this.destroy(new Error("upload cut off"));
    },
  });
}

export function storageContract(t: Test, storage: ImageStorage): void {
  t.test("put a buffer, get the same bytes", async (t) => {
    const k = key("buf");
    const data = Buffer.from("\x89PNG\r\n\x1a\n and some bytes", "latin1");
    t.same(await storage.put(k, data, "image/png"), { bytes: data.length });
    const got = await storage.get(k);
    t.ok(got);
    t.equal(got!.bytes, data.length);
    t.same(await read(got!.body), data);
  });

  t.test("put a stream of many chunks (larger than one buffer), get the same bytes", async (t) => {
    const k = key("stream");
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(100_000, i));
    const whole = Buffer.concat(chunks);
    t.same(await storage.put(k, Readable.from(chunks), "image/jpeg"), { bytes: whole.length });
    const got = await storage.get(k);
    t.equal(got!.bytes, whole.length);
    t.ok((await read(got!.body)).equals(whole));
  });

  t.test("a second put replaces the first", async (t) => {
    const k = key("replace");
    await storage.put(k, Buffer.from("first version, longer"), "image/png");
    await storage.put(k, Buffer.from("second"), "image/png");
    const got = await storage.get(k);
    t.same([got!.bytes, (await read(got!.body)).toString()], [6, "second"]);
  });

  t.test("a missing key is undefined; delete is idempotent", async (t) => {
    const k = key("gone");
    t.equal(await storage.get(k), undefined);
    await storage.put(k, Buffer.from("x".repeat(10)), "image/webp");
    await storage.delete(k);
    t.equal(await storage.get(k), undefined);
    await storage.delete(k);
    await storage.delete(key("never"));
  });

  t.test("a body stream that fails leaves nothing under the key", async (t) => {
    const k = key("failed");
    await t.rejects(storage.put(k, failingStream(), "image/png"), /upload cut off/);
    t.equal(await storage.get(k), undefined);
    const kept = key("kept");
    await storage.put(kept, Buffer.from("old bytes"), "image/png");
    await t.rejects(storage.put(kept, failingStream(), "image/png"));
    t.equal((await read((await storage.get(kept))!.body)).toString(), "old bytes", "a failed replacement keeps the previous bytes");
  });

  t.test("keys are ids: no path, no dot, not empty", async (t) => {
    for (const bad of ["", "a", "../etc/passwd", "a/b", "a\\b", ".hidden", "x.tmp", "k k", "é-utf8"]) {
      await t.rejects(storage.put(bad, Buffer.from("x"), "image/png"), /invalid image storage key/, JSON.stringify(bad));
      await t.rejects(storage.get(bad), /invalid image storage key/);
    }
  });
}

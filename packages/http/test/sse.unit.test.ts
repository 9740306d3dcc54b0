import t from "tap";
import { createTestSseRegistry, lastEventIdOf, sseFrameBuffer, type SseSocket } from "../src/sse.ts";
import type { FastifyRequest } from "fastify";

/** A socket that records what is written; `stuck` makes it keep everything unsent (a client that does not read). */
function fakeSocket(opts: { stuck?: boolean } = {}) {
  const written: string[] = [];
  const s = {
    written,
    writableLength: 0,
    destroyed: false,
    write(chunk: Buffer | string) {
      written.push(chunk.toString());
      if (opts.stuck) s.writableLength += Buffer.byteLength(chunk);
      return !opts.stuck;
    },
    destroy() {
      s.destroyed = true;
      return s;
    },
  };
  return s as typeof s & SseSocket;
}

t.test("a client that does not read is closed once its unsent bytes pass the bound; the others are written", async (t) => {
  const registry = createTestSseRegistry({ heartbeatMs: 60_000, maxBufferedBytes: 100 });
  const slow = fakeSocket({ stuck: true });
  const fast = fakeSocket();
  let slowClosed = 0;
  const s1 = registry.attach(slow);
  s1.onClose(() => slowClosed++);
  const s2 = registry.attach(fast);
  const frame = sseFrameBuffer("stock", { n: "x".repeat(40) }, 7);
  t.equal(s1.write(frame, 7), true, "the first frame fits the bound");
  t.equal(s2.write(frame, 7), true);
  t.equal(s1.write(frame, 8), false, "the second one passes it: closed");
  t.equal(s2.write(frame, 8), true, "the fast client is written all the same");
  t.equal(slow.destroyed, true, "the slow socket is destroyed");
  t.equal(s1.closed, true);
  t.equal(slowClosed, 1, "its close hooks ran once");
  t.equal(s1.write(frame, 9), false, "a closed stream writes nothing more");
  t.equal(slow.written.length, 2);
  t.equal(fast.written.length, 2);
  t.same(registry.stats(), { open: 1, opened: 2, evicted: 1 }, "counted");
  t.equal(s2.version, 8, "the version of the last versioned frame");
  s2.close();
  t.equal(registry.size, 0);
});

t.test("one heartbeat for all streams: the same comment to each, and slow ones evicted by it too", async (t) => {
  const registry = createTestSseRegistry({ heartbeatMs: 60_000, maxBufferedBytes: 20 });
  const a = fakeSocket();
  const b = fakeSocket();
  const stuck = fakeSocket({ stuck: true });
  registry.attach(a);
  registry.attach(b);
  registry.attach(stuck);
  registry.heartbeat();
  registry.heartbeat();
  t.same(a.written, [": heartbeat\n\n", ": heartbeat\n\n"]);
  t.same(b.written, a.written);
  t.equal(stuck.destroyed, true, "13 + 13 bytes unsent > 20");
  t.equal(registry.stats().evicted, 1);
  registry.closeAll();
  t.equal(registry.size, 0);
});

t.test("the heartbeat timer writes to open streams", async (t) => {
  const registry = createTestSseRegistry({ heartbeatMs: 10 });
  const a = fakeSocket();
  const s = registry.attach(a);
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (a.written.length >= 2) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
  t.ok(a.written.every((w) => w === ": heartbeat\n\n"));
  s.close();
});

t.test("Last-Event-ID: a non-negative integer, else nothing", async (t) => {
  const of = (v: string | undefined) => lastEventIdOf({ headers: v === undefined ? {} : { "last-event-id": v } } as unknown as FastifyRequest);
  t.equal(of("3686931574374400"), 3686931574374400);
  t.equal(of(" 42 "), 42);
  t.equal(of(undefined), undefined);
  for (const bad of ["", "-1", "1e9", "abc", "0x10", "12345678901234567", "1.5"]) t.equal(of(bad), undefined, JSON.stringify(bad));
});

t.test("frames: id, event, data", async (t) => {
  t.equal(sseFrameBuffer("stock", { a: 1 }, 5).toString(), 'id: 5\nevent: stock\ndata: {"a":1}\n\n');
  t.equal(sseFrameBuffer("stock", { a: 1 }).toString(), 'event: stock\ndata: {"a":1}\n\n');
});

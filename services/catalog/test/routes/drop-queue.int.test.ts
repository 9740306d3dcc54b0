import t from "tap";
import { createHash } from "node:crypto";
import type { DropQueueSecret, DropView } from "../../src/domain/drops.ts";
import { inSeconds, testCatalog } from "../helpers.ts";

t.test("a queued drop: its rate and the committed seed's hash shown, the seed only handed to the inventory", async (t) => {
  const handed: { drop: DropView; queue: DropQueueSecret | undefined }[] = [];
  const c = await testCatalog(t, { scheduler: async (drop, queue) => void handed.push({ drop, queue }) });
  const a = await c.seller("a");
  const productId = await c.product(a);
  const valid = { productId, startsAt: inSeconds(60), units: 10, perBuyerLimit: 1, holdSeconds: 60 };

  const created = await c.call("POST", "/drops", { who: a, body: { ...valid, queue: { admitPerSecond: 50 } } });
  t.equal(created.statusCode, 201, created.body);
  const drop = created.json<DropView>();
  t.match(drop.queue, { admitPerSecond: 50, seedHash: /^[0-9a-f]{64}$/ });
  const seed = handed[0]?.queue?.seed ?? "";
  t.match(seed, /^[0-9a-f]{64}$/, "a 32-byte seed for the inventory");
  t.same(handed[0]?.queue?.admitPerSecond, 50);
  t.equal(createHash("sha256").update(seed).digest("hex"), drop.queue?.seedHash, "seedHash = SHA-256 of the seed");
  const read = await c.call("GET", `/drops/${drop.dropId}`);
  t.same(read.json<DropView>().queue, drop.queue);
  t.notOk(read.body.includes(seed), "the seed is never shown");
  const search = await c.call("GET", "/drops");
  t.notOk(search.body.includes(seed), "nor in a search");

  const other = await c.call("POST", "/drops", { who: a, body: { ...valid, queue: { admitPerSecond: 50 } } });
  t.not(handed[1]?.queue?.seed, seed, "each drop its own seed");
  t.not(other.json<DropView>().queue?.seedHash, drop.queue?.seedHash);

  const plain = await c.call("POST", "/drops", { who: a, body: valid });
  t.equal(plain.json<DropView>().queue, undefined, "no queue: a drop as before");
  t.equal(handed[2]?.queue, undefined);

  for (const queue of [{ admitPerSecond: 0 }, { admitPerSecond: 10_001 }, { admitPerSecond: 1.5 }, {}, { admitPerSecond: 5, seed: "00" }, "fast"]) {
    const bad = await c.call("POST", "/drops", { who: a, body: { ...valid, queue } });
    t.equal(bad.statusCode, 400, `queue ${JSON.stringify(queue)}: 400`);
    t.equal(bad.json().code, "VALIDATION_FAILED");
  }
  t.equal(handed.length, 3, "nothing handed for the refused ones");
});

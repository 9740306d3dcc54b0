import t from "tap";
import { eventually } from "@drops/testing";
import { stockFixture, HOUR } from "../stock-fixture.ts";
import { lockerFactory } from "../lock-fixture.ts";
import { createSweeper } from "../../src/workers/sweeper.ts";
import type { DropsEvent } from "@drops/events";
import { collectEvents, testKafka, testPublisher, testTopics } from "@drops/kafka/testing";
import { createCartStock } from "../../src/store/stock/cart-stock.ts";
import { createStockRelay } from "../../src/workers/relay.ts";
import { createDueIndex } from "../../src/store/stock/due-index.ts";
import { dropKeys, dueIndexKey } from "../../src/store/stock/keys.ts";

t.setTimeout(60_000);

t.test("a hold with a 1 s TTL is released by the sweeper and its unit returns", async (t) => {
  const f = stockFixture(t);
  const newLocker = lockerFactory(t, f.prefix);
  await f.store.openDrop({ dropId: "ttl", total: 1, startsAtMs: 0, perBuyerLimit: 1, holdMs: 1_000 });
  t.match(await f.store.reserve({ dropId: "ttl", orderId: "o1", buyerId: "b", qty: 1 }), { status: "HELD" });
  t.match(await f.store.reserve({ dropId: "ttl", orderId: "o2", buyerId: "c", qty: 1 }), { status: "SOLD_OUT" });
  const expired: string[] = [];
  const sweeper = createSweeper({ store: f.store, due: createDueIndex(f.redis, { prefix: f.prefix }), locker: newLocker(), intervalMs: 50, onExpired: (_d, ids) => expired.push(...ids) });
  t.teardown(() => sweeper.stop());
  const started = Date.now();
  sweeper.start();
  await eventually(async () => (await f.store.snapshot("ttl"))?.available === 1, 5_000);
  t.ok(Date.now() - started >= 700, "not before the TTL");
  t.same(expired, ["o1"]);
  t.ok(sweeper.stats().active);
  t.match(await f.store.reserve({ dropId: "ttl", orderId: "o2", buyerId: "c", qty: 1 }), { status: "HELD" }, "the unit is back on sale");
  t.equal((await f.events("ttl")).filter((e) => e["type"] === "expired").length, 1);
  await f.assertInvariant("ttl");
});

t.test("two sweepers: one active, the other stands by and takes over; both at once release each hold once", async (t) => {
  const f = stockFixture(t);
  const newLocker = lockerFactory(t, f.prefix);
  await f.store.openDrop({ dropId: "two", total: 200, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  for (let i = 0; i < 120; i++) await f.store.reserve({ dropId: "two", orderId: `o${i}`, buyerId: `b${i}`, qty: 1 });

  const a = createSweeper({ store: f.client(), due: createDueIndex(f.redis, { prefix: f.prefix }), locker: newLocker(), intervalMs: 30, lockTtlMs: 1_000 });
  const b = createSweeper({ store: f.client(), due: createDueIndex(f.redis, { prefix: f.prefix }), locker: newLocker(), intervalMs: 30, lockTtlMs: 1_000 });
  a.start();
  await eventually(() => a.stats().active, 5_000);
  b.start();
  await new Promise((r) => setTimeout(r, 300));
  t.ok(a.stats().active && !b.stats().active, "only one sweeper is active");
  await a.stop();
  await eventually(() => b.stats().active, 5_000);
  t.ok(b.stats().token! > 0, "b took over with its own fencing token");
  await b.stop();
  t.match(await f.store.snapshot("two"), { held: 120 }, "nothing due yet");

  // Idempotence without the lock: two sweepers sweep the same due holds at the same moment (an hour later).
  const later = (store: ReturnType<typeof f.client>) => ({
    expireDue: (dropId: string, o: { limit?: number } = {}) => store.expireDue(dropId, { ...o, nowMs: Date.now() + 2 * HOUR }),
  });
  const laterDue = () => ({ ...createDueIndex(f.redis, { prefix: f.prefix }), now: async () => Date.now() + 2 * HOUR });
  const c = createSweeper({ store: later(f.client()), due: laterDue(), locker: newLocker(), batch: 7 });
  const d = createSweeper({ store: later(f.client()), due: laterDue(), locker: newLocker(), batch: 7 });
  const results = await Promise.all([c.sweepOnce(), d.sweepOnce(), c.sweepOnce(), d.sweepOnce()]);
  t.equal(results.reduce((x, y) => x + y, 0), 120, `each of the 120 due holds released once (${results.join(", ")})`);
  const expired = (await f.events("two")).filter((e) => e["type"] === "expired").map((e) => e["orderId"]);
  t.equal(expired.length, 120);
  t.equal(new Set(expired).size, 120);
  t.match(await f.store.snapshot("two"), { available: 200, held: 0 });
  await f.assertInvariant("two");
});

t.test("a cart order's product lines expire by the sweeper: each line a StockReleased HOLD_EXPIRED (dropId = productId), nothing else on drops.inventory", async (t) => {
  const f = stockFixture(t);
  const newLocker = lockerFactory(t, f.prefix);
  const kafka = testKafka("inv_test");
  const topics = await testTopics(t, kafka, "invsweep", ["orders", "changes"]);
  const { producer } = testPublisher(t, kafka, { lingerMs: 2 });
  const publish = (e: DropsEvent) => producer.publish(e.type === "StockChanged" ? topics.changes : topics.orders, null, e);
  const seen = (await collectEvents(t, kafka, [topics.orders])).items;
  for (const p of ["pa", "pb"]) await f.store.openDrop({ dropId: p, total: 3, startsAtMs: 0, perBuyerLimit: 0, holdMs: 500, kind: "product" });
  const cart = createCartStock(f.redis, { prefix: f.prefix });
  t.match(await cart.reserveLines({ orderId: "cart1", buyerId: "b", lines: [{ productId: "pa", quantity: 2 }, { productId: "pb", quantity: 1 }] }), { status: "HELD" });

  const relay = createStockRelay({ redis: f.redis, prefix: f.prefix, publish, blockMs: 50 });
  t.teardown(() => relay.stop());
  relay.start();
  const sweeper = createSweeper({ store: f.store, due: createDueIndex(f.redis, { prefix: f.prefix }), locker: newLocker(), intervalMs: 50 });
  t.teardown(() => sweeper.stop());
  sweeper.start();

  const released = await eventually(() => (seen.length >= 2 ? seen : undefined), 30_000);
  t.same(
    released.map((e) => [e.type, e.payload]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
    [
      ["StockReleased", { orderId: "cart1", dropId: "pa", quantity: 2, reason: "HOLD_EXPIRED" }],
      ["StockReleased", { orderId: "cart1", dropId: "pb", quantity: 1, reason: "HOLD_EXPIRED" }],
    ],
  );
  t.match(await f.store.snapshot("pa"), { available: 3, held: 0 });
  t.match(await f.store.snapshot("pb"), { available: 3, held: 0 });
  await f.assertInvariant("pa");
  await f.assertInvariant("pb");
});

t.test("the due index: only items with a due hold are swept; an item is re-scored to its next hold, dropped with none; the audit finds an unmarked hold", async (t) => {
  const f = stockFixture(t);
  const due = createDueIndex(f.redis, { prefix: f.prefix });
  const swept: string[] = [];
  const store = { expireDue: (dropId: string, o?: { limit?: number }) => (swept.push(dropId), f.store.expireDue(dropId, o)) };
  const sweeper = createSweeper({ store, due, locker: lockerFactory(t, f.prefix)() });
  for (const id of ["idle", "soon", "late"]) await f.store.openDrop({ dropId: id, total: 5, startsAtMs: 0, perBuyerLimit: 0, holdMs: id === "late" ? HOUR : 300 });
  await f.store.reserve({ dropId: "soon", orderId: "s1", buyerId: "b", qty: 1 });
  const held = await f.store.reserve({ dropId: "late", orderId: "l1", buyerId: "b", qty: 1 });
  const index = () => f.redis.zrange(dueIndexKey(f.prefix), 0, -1, "WITHSCORES");
  t.same((await index()).filter((_, i) => i % 2 === 0).sort(), ["late", "soon"], "each item with a hold is in the index, the idle one is not");
  t.equal(await sweeper.sweepOnce(), 0);
  t.same(swept, [], "nothing due: no item swept");
  await eventually(async () => (await sweeper.sweepOnce()) === 1, 5_000);
  t.same([...new Set(swept)], ["soon"], "only the item whose hold was due");
  t.same(await index(), ["late", String(held.status === "HELD" ? held.holdExpiresAtMs : 0)], "soon left the index (no hold left); late kept at its hold's expiry");

  // a reserver that died between its hold and its mark: the hold is in the item's expiry zset only
  await f.redis.zadd(dropKeys("idle", f.prefix).expiry, 1, "ghost");
  t.equal(await due.audit(), 2, "the audit marks every hot item with a hold");
  t.same((await index()).slice(0, 2), ["idle", "1"]);
});

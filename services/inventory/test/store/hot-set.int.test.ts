import t from "tap";
import { eventually } from "@drops/testing";
import type { DropsEvent } from "@drops/events";
import { testKafka, testPublisher, testTopics } from "@drops/kafka/testing";
import { stockFixture, HOUR } from "../stock-fixture.ts";
import { dbFixture } from "../db-fixture.ts";
import { lockerFactory } from "../lock-fixture.ts";
import { createStockRelay } from "../../src/workers/relay.ts";
import { createArchiver } from "../../src/workers/archiver.ts";
import { ledgerSink, ledgerCounters } from "../../src/store/ledger.ts";
import { markLoaded, scheduleDrop } from "../../src/store/drops.ts";
import { rehydrate } from "../../src/store/hot-set.ts";
import { reconcile } from "../../src/store/reconcile.ts";
import { dropIndexKey, dropKeys, relayLeaseKey } from "../../src/store/stock/keys.ts";
import { ArchivedDropError } from "../../src/store/stock/replies.ts";
import { createStockStore, type StockStore } from "../../src/store/stock/stock-store.ts";

t.setTimeout(120_000);

t.test("an ended, settled drop is archived (compact meta, out of the hot set); replays against it answer as before and change nothing; a refund re-loads it", async (t) => {
  const f = stockFixture(t);
  const { pool } = await dbFixture(t);
  const newLocker = lockerFactory(t, f.prefix);
  const kafka = testKafka("inv_test");
  const topics = await testTopics(t, kafka, "invarch", ["orders", "changes"]);
  const { producer } = testPublisher(t, kafka, { lingerMs: 2 });
  const publish = (e: DropsEvent) => producer.publish(e.type === "StockChanged" ? topics.changes : topics.orders, null, e);
  const relay = createStockRelay({ redis: f.redis, prefix: f.prefix, publish, sinks: [ledgerSink(pool)], blockMs: 50 });
  t.teardown(() => relay.stop());
  relay.start();

  // a sold-out drop: o1 sold, o2 released, o3 expired; and a live product next to it
  await scheduleDrop(pool, { dropId: "d", total: 1, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  await markLoaded(pool, "d");
  await f.store.openDrop({ dropId: "d", total: 1, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  await f.store.openDrop({ dropId: "p", total: 5, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR, kind: "product" });
  await f.store.reserve({ dropId: "d", orderId: "o2", buyerId: "b2", qty: 1 });
  await f.store.release({ dropId: "d", orderId: "o2", reason: "PAYMENT_FAILED" });
  await f.store.reserve({ dropId: "d", orderId: "o3", buyerId: "b3", qty: 1 });
  t.same(await f.store.expireDue("d", { nowMs: Date.now() + 2 * HOUR }), ["o3"]);
  await f.store.reserve({ dropId: "d", orderId: "o1", buyerId: "b1", qty: 1 });
  t.match(await f.store.confirm({ dropId: "d", orderId: "o1" }), { status: "CONFIRMED", replay: false });
  const k = dropKeys("d", f.prefix);
  await eventually(async () => (await f.redis.xlen(k.events)) === 0 && (await ledgerCounters(pool, "d")).rows === 7, 30_000);

  const archiver = createArchiver({ redis: f.redis, pool, store: f.store, prefix: f.prefix, locker: newLocker(), quietMs: 0 });
  t.same(await archiver.archiveOnce(), { archived: 0, begun: 1 }, "first round: the drop is marked archiving, the product is not a candidate");
  t.notOk(await f.redis.sismember(dropIndexKey(f.prefix), "d"), "out of the hot set");
  await eventually(async () => (await f.redis.exists(relayLeaseKey("d", f.prefix))) === 0, 10_000);
  t.same(await archiver.archiveOnce(), { archived: 1, begun: 0 }, "next round: compacted");
  t.same(await f.redis.exists(k.buyers, k.holds, k.expiry, k.events), 0, "holds, buyers, expiry and stream are gone");
  t.match(await f.redis.hgetall(k.meta), { status: "open", available: "0", sold: "1", held: "0", archived: /^\d+$/ });
  t.same((await pool.query("SELECT archive_state FROM drops WHERE id = 'd'")).rows, [{ archive_state: "archived" }]);
  t.same(await f.store.dropIds(), ["p"], "only the product is hot");
  t.match(await f.store.reserve({ dropId: "d", orderId: "o9", buyerId: "b9", qty: 1 }), { status: "SOLD_OUT" }, "a buyer still hears sold out");
  t.match(await f.store.snapshot("d"), { status: "open", available: 0, sold: 1, held: 0, total: 1 });
  const rec = await reconcile({ redis: f.redis, pool, prefix: f.prefix });
  t.ok(rec.ok, `reconcile: the archived drop is consistent (${JSON.stringify(rec.reports.map((r) => r.problems))})`);
  t.same(rec.reports.map((r) => r.dropId), ["d", "p"]);

  // without the hook, the command says the drop is archived
  const bare = createStockStore(f.redis, { prefix: f.prefix });
  await t.rejects(bare.confirm({ dropId: "d", orderId: "o1" }), ArchivedDropError);

  const locker = newLocker();
  const store: StockStore = createStockStore(f.redis, { prefix: f.prefix, rehydrate: (dropId) => rehydrate({ redis: f.redis, pool, store, locker, prefix: f.prefix }, dropId) });
  const before = await ledgerCounters(pool, "d");
  t.match(await store.confirm({ dropId: "d", orderId: "o1" }), { status: "CONFIRMED", buyerId: "b1", qty: 1, replay: true }, "replayed confirm");
  t.match(await store.release({ dropId: "d", orderId: "o2" }), { status: "RELEASED", replay: true, state: "released" }, "replayed release");
  t.match(await store.release({ dropId: "d", orderId: "o3" }), { status: "RELEASED", replay: true, state: "expired" }, "release of an expired hold");
  t.match(await store.confirm({ dropId: "d", orderId: "o3" }), { status: "GONE", state: "expired" });
  t.match(await store.refund({ dropId: "d", orderId: "o2" }), { status: "NOT_SOLD", state: "released" });
  t.match(await store.confirm({ dropId: "d", orderId: "nope" }), { status: "NOT_FOUND" });
  t.match(await store.snapshot("d"), { available: 0, held: 0, sold: 1 }, "nothing changed");
  t.ok(await f.redis.sismember(dropIndexKey(f.prefix), "d"), "re-loaded: hot again");
  t.equal(await f.redis.hexists(k.meta, "archived"), 0);
  t.same((await pool.query("SELECT archive_state FROM drops WHERE id = 'd'")).rows, [{ archive_state: null }]);
  await eventually(async () => (await f.redis.xlen(k.events)) === 0, 30_000);
  const { rows: _r1, ...c1 } = before;
  const { rows: _r2, ...c2 } = await ledgerCounters(pool, "d");
  t.same(c2, c1, "the ledger's counters did not move");

  // archived again, then a real refund: applied once, a replay of it changes nothing more
  await eventually(async () => (await archiver.archiveOnce()).archived === 1, 15_000);
  t.equal(await f.redis.hexists(k.meta, "archived"), 1);
  t.match(await store.refund({ dropId: "d", orderId: "o1" }), { status: "REFUNDED", replay: false }, "a refund after the archive re-loads the drop and applies");
  t.match(await store.refund({ dropId: "d", orderId: "o1" }), { status: "REFUNDED", replay: true });
  t.match(await store.snapshot("d"), { available: 1, sold: 0 });
  await eventually(async () => (await f.redis.xlen(k.events)) === 0, 30_000);
  t.same(await archiver.archiveOnce(), { archived: 0, begun: 0 }, "live again (a unit back on sale): not archived");
  await f.assertInvariant("d");
  t.ok((await reconcile({ redis: f.redis, pool, prefix: f.prefix })).ok);
});

t.test("a drop that takes a write between its two archive steps goes back into the hot set", async (t) => {
  const f = stockFixture(t);
  const { pool } = await dbFixture(t);
  await scheduleDrop(pool, { dropId: "r", total: 1, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  await markLoaded(pool, "r");
  await f.store.openDrop({ dropId: "r", total: 1, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  await f.store.reserve({ dropId: "r", orderId: "o1", buyerId: "b1", qty: 1 });
  await f.store.confirm({ dropId: "r", orderId: "o1" });
  const relay = createStockRelay({ redis: f.redis, prefix: f.prefix, publish: async () => undefined, sinks: [ledgerSink(pool)], blockMs: 50 });
  const k = dropKeys("r", f.prefix);
  await eventually(async () => (await relay.runOnce()) >= 0 && (await f.redis.xlen(k.events)) === 0, 10_000);
  await relay.stop();
  const archiver = createArchiver({ redis: f.redis, pool, store: f.store, prefix: f.prefix, locker: lockerFactory(t, f.prefix)(), quietMs: 0 });
  t.same(await archiver.archiveOnce(), { archived: 0, begun: 1 });
  await f.store.refund({ dropId: "r", orderId: "o1" });
  t.same(await archiver.archiveOnce(), { archived: 0, begun: 0 });
  t.ok(await f.redis.sismember(dropIndexKey(f.prefix), "r"), "back in the hot set, so its refund is relayed");
  t.equal(await f.redis.hexists(k.meta, "archived"), 0, "not compacted");
  t.same((await pool.query("SELECT archive_state FROM drops WHERE id = 'r'")).rows, [{ archive_state: null }]);
  t.equal(archiver.stats().returned, 1);
});

t.test("a restock or a status change of an archived drop re-loads it first: a retried reserve of an old order replays, it does not hold twice", async (t) => {
  const f = stockFixture(t);
  const { pool } = await dbFixture(t);
  const newLocker = lockerFactory(t, f.prefix);
  await scheduleDrop(pool, { dropId: "s", total: 1, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  await markLoaded(pool, "s");
  await f.store.openDrop({ dropId: "s", total: 1, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  await f.store.reserve({ dropId: "s", orderId: "o1", buyerId: "b1", qty: 1 });
  await f.store.confirm({ dropId: "s", orderId: "o1" });
  const relay = createStockRelay({ redis: f.redis, prefix: f.prefix, publish: async () => undefined, sinks: [ledgerSink(pool)], blockMs: 50 });
  t.teardown(() => relay.stop());
  relay.start();
  const k = dropKeys("s", f.prefix);
  await eventually(async () => (await f.redis.xlen(k.events)) === 0 && (await ledgerCounters(pool, "s")).rows === 3, 10_000);
  const archiver = createArchiver({ redis: f.redis, pool, store: f.store, prefix: f.prefix, locker: newLocker(), quietMs: 0 });
  t.same(await archiver.archiveOnce(), { archived: 0, begun: 1 });
  await eventually(async () => (await archiver.archiveOnce()).archived === 1, 10_000);
  t.equal(await f.redis.exists(k.holds), 0);

  const locker = newLocker();
  const store: StockStore = createStockStore(f.redis, { prefix: f.prefix, rehydrate: (dropId) => rehydrate({ redis: f.redis, pool, store, locker, prefix: f.prefix }, dropId) });
  t.match(await store.adjust({ dropId: "s", delta: 1, fence: 1 }), { status: "ADJUSTED", available: 1 });
  t.equal(await f.redis.hexists(k.meta, "archived"), 0, "re-loaded before the restock");
  t.same((await pool.query("SELECT archive_state FROM drops WHERE id = 's'")).rows, [{ archive_state: null }]);
  t.match(await store.reserve({ dropId: "s", orderId: "o1", buyerId: "b1", qty: 1 }), { status: "DUPLICATE", state: "sold" }, "the old order replays");
  t.match(await store.reserve({ dropId: "s", orderId: "o2", buyerId: "b2", qty: 1 }), { status: "HELD" }, "the restocked unit sells");
  await f.assertInvariant("s");
});

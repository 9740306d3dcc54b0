import t from "tap";
import { eventually } from "@drops/testing";
import { stockFixture, HOUR } from "../stock-fixture.ts";
import { dbFixture } from "../db-fixture.ts";
import { lockerFactory } from "../lock-fixture.ts";
import { createStockRelay } from "../../src/workers/relay.ts";
import { ledgerSink } from "../../src/store/ledger.ts";
import { scheduleDrop } from "../../src/store/drops.ts";
import { adjustDrop, checkDropStock, resyncDrop } from "../../src/store/stock-admin.ts";
import { dropKeys } from "../../src/store/stock/keys.ts";

t.setTimeout(60_000);

t.test("Redis vs ledger: consistent while relaying, differences found, resync rebuilds counters and holds", async (t) => {
  const f = stockFixture(t);
  const { pool } = await dbFixture(t);
  const locker = lockerFactory(t, f.prefix)();
  const deps = { redis: f.redis, pool, prefix: f.prefix, store: f.store, locker };
  const relay = createStockRelay({ redis: f.redis, prefix: f.prefix, blockMs: 30, publish: async () => undefined, sinks: [ledgerSink(pool)] });
  relay.start();
  let relayStopped = false;
  t.teardown(async () => {
    if (!relayStopped) await relay.stop();
  });

  await scheduleDrop(pool, { dropId: "a", total: 10, startsAtMs: 0, perBuyerLimit: 2, holdMs: HOUR });
  await f.store.openDrop({ dropId: "a", total: 10, startsAtMs: 0, perBuyerLimit: 2, holdMs: HOUR });
  for (let i = 0; i < 4; i++) await f.store.reserve({ dropId: "a", orderId: `o${i}`, buyerId: `b${i % 2}`, qty: 1 });
  await f.store.confirm({ dropId: "a", orderId: "o0" });
  await f.store.release({ dropId: "a", orderId: "o1" });
  await eventually(async () => (await f.redis.xlen(dropKeys("a", f.prefix).events)) === 0, 10_000);
  t.match(await checkDropStock(deps, "a"), { available: 7, held: 2, sold: 1, total: 10, consistent: true, unrelayed: 0, problems: [] });

  await relay.stop();
  relayStopped = true;
  await f.store.reserve({ dropId: "a", orderId: "o9", buyerId: "b9", qty: 2 });
  t.match(await checkDropStock(deps, "a"), { available: 5, held: 4, consistent: true, unrelayed: 1 }, "entries not relayed yet count on the ledger side");

  await f.redis.hincrby(dropKeys("a", f.prefix).meta, "available", 5);
  const bad = await checkDropStock(deps, "a");
  t.equal(bad.consistent, false);
  t.match(bad.problems, [/Redis invariant/, /available: Redis 10, ledger 5/]);

  const r = await resyncDrop(deps, "a");
  t.match(r, { status: "RESYNCED", available: 5, held: 4, sold: 1, total: 10, holds: 5 });
  t.match(await checkDropStock(deps, "a"), { available: 5, consistent: true });
  await f.assertInvariant("a");
  t.match(await f.store.confirm({ dropId: "a", orderId: "o9" }), { status: "CONFIRMED" }, "holds rebuilt: a held order can still be confirmed");

  // The confirm is relayed to the ledger; then Redis loses the drop entirely.
  const relay2 = createStockRelay({ redis: f.redis, prefix: f.prefix, blockMs: 30, publish: async () => undefined, sinks: [ledgerSink(pool)] });
  relay2.start();
  await eventually(async () => (await checkDropStock(deps, "a")).unrelayed === 0, 10_000);
  await relay2.stop();
  const k = dropKeys("a", f.prefix);
  await f.redis.del(k.meta, k.buyers, k.holds, k.expiry, k.events);
  const lost = await checkDropStock(deps, "a");
  t.match(lost, { loaded: false, consistent: false, available: 5, held: 2, sold: 3 });
  t.match(lost.problems, [/Redis has no stock/]);
  t.match(await resyncDrop(deps, "a"), { status: "RESYNCED", available: 5, held: 2, sold: 3 });
  t.match(await f.store.snapshot("a"), { status: "open", total: 10, available: 5, held: 2, sold: 3 });
  await f.assertInvariant("a");
  t.match(await f.store.reserve({ dropId: "a", orderId: "o2", buyerId: "b0", qty: 1 }), { status: "HELD", replay: true }, "idempotency records rebuilt");
  t.match(await f.store.reserve({ dropId: "a", orderId: "new", buyerId: "b9", qty: 1 }), { status: "LIMIT_REACHED" }, "per-buyer counts rebuilt");
  t.ok(await f.redis.sismember(`${f.prefix}stock:drops`, "a"), "back in the drop index");

  t.match(await f.store.resync({ dropId: "a", fence: 1, lastStreamId: "", counters: { total: 0, adjustments: 0, available: 0, held: 0, sold: 0 }, schedule: { startsAtMs: 0, perBuyerLimit: 0, holdMs: 1 }, holds: [] }), { status: "STALE_FENCE" });
  t.match(await resyncDrop(deps, "nope"), { status: "UNKNOWN_DROP" });
});

t.test("restock / withdraw under drop:<id>:adjust: the ledger follows, the invariant holds, resync keeps adjustments", async (t) => {
  const f = stockFixture(t);
  const { pool } = await dbFixture(t);
  const locker = lockerFactory(t, f.prefix)();
  const deps = { redis: f.redis, pool, prefix: f.prefix, store: f.store, locker };
  const changed: number[] = [];
  const relay = createStockRelay({
    redis: f.redis, prefix: f.prefix, blockMs: 30, sinks: [ledgerSink(pool)],
    publish: async (e) => void (e.type === "StockChanged" && changed.push(e.payload.available)),
  });
  relay.start();
  t.teardown(() => relay.stop());
  await scheduleDrop(pool, { dropId: "adj", total: 2, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  await f.store.openDrop({ dropId: "adj", total: 2, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  await f.store.reserve({ dropId: "adj", orderId: "o1", buyerId: "b", qty: 2 });
  t.match(await f.store.reserve({ dropId: "adj", orderId: "o2", buyerId: "c", qty: 1 }), { status: "SOLD_OUT" });

  t.match(await adjustDrop(deps, "adj", 5), { status: "ADJUSTED", available: 5, adjustments: 5 });
  t.match(await f.store.reserve({ dropId: "adj", orderId: "o2", buyerId: "c", qty: 1 }), { status: "HELD" }, "restocked units are on sale");
  t.match(await adjustDrop(deps, "adj", -100), { status: "INSUFFICIENT", available: 4 });
  t.match(await adjustDrop(deps, "adj", -1), { status: "ADJUSTED", available: 3, adjustments: 4 });
  t.match(await adjustDrop(deps, "nope", 1), { status: "NOT_LOADED" });
  t.match(await f.store.adjust({ dropId: "adj", delta: 1, fence: 1 }), { status: "STALE_FENCE" }, "an older token is refused");
  await f.assertInvariant("adj");
  await eventually(async () => (await checkDropStock(deps, "adj")).unrelayed === 0, 10_000);
  t.match(await checkDropStock(deps, "adj"), { available: 3, held: 3, sold: 0, total: 6, consistent: true, ledger: { adjustments: 4 } });
  await eventually(() => changed.at(-1) === 3, 10_000);

  const k = dropKeys("adj", f.prefix);
  await relay.stop();
  await f.redis.del(k.meta, k.buyers, k.holds, k.expiry, k.events);
  t.match(await resyncDrop(deps, "adj"), { status: "RESYNCED", available: 3, held: 3, total: 6 });
  t.match(await f.store.snapshot("adj"), { total: 2, adjustments: 4, available: 3, held: 3, sold: 0 });
  await f.assertInvariant("adj");
});

import t from "tap";
import { eventually } from "@drops/testing";
import { stockFixture, HOUR } from "../stock-fixture.ts";
import { createPool } from "@drops/db";
import { dbFixture } from "../db-fixture.ts";
import { createStockRelay } from "../../src/workers/relay.ts";
import { parseStreamEntry } from "../../src/domain/stream-entry.ts";
import { appendEntries, ledgerCounters, ledgerHolds, ledgerSink, projectedCounters } from "../../src/store/ledger.ts";
import { dropKeys } from "../../src/store/stock/keys.ts";

t.setTimeout(60_000);

const entry = (id: string, o: Record<string, string | number>) =>
  parseStreamEntry(id, Object.entries({ v: 1, dropId: "d", orderId: "", buyerId: "", qty: 0, available: 0, held: 0, sold: 0, at: 1_000, ...o }).flatMap(([k, v]) => [k, String(v)]));

t.test("appending is idempotent per stream id; projection, aggregate and holds agree", async (t) => {
  const { pool } = await dbFixture(t);
  const batch = [
    entry("1-0", { type: "opened", qty: 10, status: "open" }),
    entry("2-0", { type: "reserved", orderId: "o1", buyerId: "b1", qty: 2, expiresAtMs: 61_000 }),
    entry("2-1", { type: "reserved", orderId: "o2", buyerId: "b2", qty: 1, expiresAtMs: 61_000 }),
    entry("3-0", { type: "status", status: "paused" }),
  ];
  t.equal(await appendEntries(pool, "d", batch), 3, "status entries are not ledger rows");
  t.equal(await appendEntries(pool, "d", batch), 0, "re-delivery adds nothing");
  t.equal(await appendEntries(pool, "d", [entry("10-0", { type: "confirmed", orderId: "o1", qty: 2 }), batch[1]!]), 1);
  const expected = { total: 10, adjustments: 0, available: 7, held: 1, sold: 2 };
  t.same(await projectedCounters(pool, "d"), expected);
  t.match(await ledgerCounters(pool, "d"), { ...expected, rows: 4 });
  t.match(await ledgerCounters(pool, "d", { upTo: "9-0" }), { available: 7, held: 3, sold: 0, rows: 3 }, "upTo compares stream ids numerically");
  t.same(await ledgerHolds(pool, "d"), [
    { orderId: "o1", buyerId: "b1", qty: 2, expiresAtMs: 61_000, state: "sold" },
    { orderId: "o2", buyerId: "b2", qty: 1, expiresAtMs: 61_000, state: "held" },
  ]);
  t.equal(await projectedCounters(pool, "nope"), null);
});

t.test("the relay writes the ledger before acknowledging; the ledger matches Redis", async (t) => {
  const f = stockFixture(t);
  const { pool } = await dbFixture(t);
  const published: string[] = [];
  const relay = createStockRelay({ redis: f.redis, prefix: f.prefix, blockMs: 50, publish: async (e) => void published.push(e.type), sinks: [ledgerSink(pool)] });
  t.teardown(() => relay.stop());
  relay.start();
  await f.store.openDrop({ dropId: "L", total: 20, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  for (let i = 0; i < 15; i++) await f.store.reserve({ dropId: "L", orderId: `o${i}`, buyerId: `b${i}`, qty: 1 });
  for (let i = 0; i < 5; i++) await f.store.confirm({ dropId: "L", orderId: `o${i}` });
  for (let i = 5; i < 8; i++) await f.store.release({ dropId: "L", orderId: `o${i}` });
  await f.store.refund({ dropId: "L", orderId: "o0" });
  await f.store.expireDue("L", { nowMs: Date.now() + 2 * HOUR, limit: 2 });
  await eventually(async () => (await f.redis.xlen(dropKeys("L", f.prefix).events)) === 0, 10_000);
  const snap = await f.store.snapshot("L");
  t.match(snap, { available: 11, held: 5, sold: 4 });
  t.same(await projectedCounters(pool, "L"), { total: 20, adjustments: 0, available: snap!.available, held: snap!.held, sold: snap!.sold });
  t.match(await ledgerCounters(pool, "L"), { available: 11, held: 5, sold: 4, total: 20 });
  const holds = await ledgerHolds(pool, "L");
  t.equal(holds.length, 15);
  t.same(holds.filter((h) => h.state === "held").length, 5);
});

t.test("PostgreSQL ending the connection of an append in flight (a stop, a failover): the append rejects, the process lives on", async (t) => {
  const { pool, url } = await dbFixture(t);
  pool.on("error", () => undefined); // idle clients, as @drops/clients does
  t.equal(await appendEntries(pool, "x", [entry("1-0", { type: "opened", qty: 5, status: "open" })]), 1);
  let uncaught: unknown;
  const onUncaught = (err: unknown): void => {
    uncaught = err;
  };
  process.on("uncaughtException", onUncaught);
  t.teardown(() => process.off("uncaughtException", onUncaught));

  // Another transaction holds the drop's counters row, so the append waits inside its own transaction.
  const blocker = await pool.connect();
  await blocker.query("BEGIN");
  await blocker.query("SELECT 1 FROM stock_counters WHERE drop_id = 'x' FOR UPDATE");
  const append = appendEntries(pool, "x", [entry("2-0", { type: "reserved", orderId: "o1", buyerId: "b1", qty: 1, expiresAtMs: 61_000 })]);
  append.catch(() => undefined);
  const admin = createPool(url, { max: 1 });
  t.teardown(() => admin.end());
  const pid = await eventually(async () => {
    const r = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%stock_counters%' AND pid <> $1",
      [(await blocker.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid],
    );
    return r.rows[0]?.pid;
  }, 10_000);
  await admin.query("SELECT pg_terminate_backend($1)", [pid]);
  await t.rejects(append, "the append rejects");
  await new Promise((r) => setTimeout(r, 200)); // the connection's 'end' arrives after the rejection
  await blocker.query("ROLLBACK");
  blocker.release();
  t.equal(uncaught, undefined, "no uncaught 'error' event (it had killed the inventory in the PostgreSQL fault)");
  t.equal(await appendEntries(pool, "x", [entry("2-0", { type: "reserved", orderId: "o1", buyerId: "b1", qty: 1, expiresAtMs: 61_000 })]), 1, "the next append runs on a healthy connection");
});

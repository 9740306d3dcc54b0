/**
 * PURCHASE_STRATEGY=rowlock, the benchmark's comparison path: one PostgreSQL transaction per attempt
 * under the drop row's lock, in a schema of its own (a unique one per test, dropped at the end).
 */
import t from "tap";
import { createPool, dropSchema } from "@drops/db";
import { testEnv, uniqueName } from "@drops/testing";
import { purchaseStack } from "./stock-fixture.ts";

const count = (codes: string[]) => codes.reduce<Record<string, number>>((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {});
const outcome = (res: { statusCode: number; json: () => { code?: string } }) => (res.statusCode === 201 ? "201" : `${res.statusCode} ${res.json().code}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rowlockStack(t: Parameters<typeof purchaseStack>[0]) {
  const schema = uniqueName("rowlock").replaceAll(/[^A-Za-z0-9_]/g, "_");
  const s = await purchaseStack(t, { PURCHASE_STRATEGY: "rowlock", ROWLOCK_SCHEMA: schema, DATABASE_URL: testEnv.databaseUrl, ROWLOCK_POOL_MAX: "10" });
  const pool = createPool(testEnv.databaseUrl, { schema });
  t.teardown(async () => {
    await pool.end();
    await dropSchema(testEnv.databaseUrl, schema);
  });
  /** A drop open in about a second (the catalog refuses a start in the past); rowlock reads the catalog's start. */
  const openDrop = async (units: number, perBuyerLimit = 1) => {
    const dropId = await s.drop({ units, perBuyerLimit, startsIn: 1, load: false });
    await sleep(1100);
    return dropId;
  };
  return { ...s, pool, openDrop };
}

t.test("rowlock: 200 concurrent attempts for 20 units (limit 1) make exactly 20 orders, never more", async (t) => {
  const s = await rowlockStack(t);
  const dropId = await s.openDrop(20);
  const results = await Promise.all(Array.from({ length: 200 }, () => s.purchase(dropId, s.buyer().token)));
  t.same(count(results.map(outcome)), { "201": 20, "409 SOLD_OUT": 180 });
  const orders = await s.pool.query<{ n: string }>("SELECT count(*) AS n FROM rowlock_orders WHERE drop_id = $1", [dropId]);
  t.equal(Number(orders.rows[0]!.n), 20, "exactly 20 orders in PostgreSQL");
  const stock = await s.pool.query<{ available: number }>("SELECT available FROM drop_stock WHERE drop_id = $1", [dropId]);
  t.equal(stock.rows[0]!.available, 0);
  t.equal(new Set(results.filter((r) => r.statusCode === 201).map((r) => r.json<{ orderId: string }>().orderId)).size, 20);
  t.match(results.find((r) => r.statusCode === 201)!.json(), { orderId: /^[0-9a-f-]{36}$/, status: "held", holdExpiresAt: /^\d{4}-/ });
  t.match(await s.store.snapshot(dropId), null, "the Redis stock is not touched in this mode");
  t.equal(s.gw.stats.soldOutShortCircuits, 0, "no sold-out flag: every attempt took the row lock");
});

t.test("rowlock: one buyer racing past the limit, NOT_OPEN before the start, replay and 422, 401 without a token", async (t) => {
  const s = await rowlockStack(t);
  const dropId = await s.openDrop(10, 2);
  const ann = s.buyer();
  const mine = await Promise.all(Array.from({ length: 6 }, () => s.purchase(dropId, ann.token)));
  t.same(count(mine.map(outcome)), { "201": 2, "409 LIMIT_REACHED": 4 });
  t.match(mine.find((r) => r.statusCode === 409)!.json(), { code: "LIMIT_REACHED", perBuyerLimit: 2, taken: 2 });

  const bob = s.buyer();
  const first = await s.purchase(dropId, bob.token, { key: "b-1" });
  t.equal(first.statusCode, 201);
  const again = await s.purchase(dropId, bob.token, { key: "b-1" });
  t.same([again.statusCode, again.json()], [201, first.json()], "a replay is the same order");
  t.equal((await s.purchase(dropId, bob.token, { key: "b-1", quantity: 2 })).statusCode, 422);
  const taken = await s.pool.query<{ n: string }>("SELECT count(*) AS n FROM rowlock_orders WHERE drop_id = $1 AND buyer_id = $2", [dropId, bob.userId]);
  t.equal(Number(taken.rows[0]!.n), 1, "and holds nothing more");

  const later = await s.drop({ units: 5, startsIn: 60, load: false });
  t.match((await s.purchase(later, s.buyer().token)).json(), { code: "NOT_OPEN" });
  t.equal((await s.call("POST", `/api/drops/${dropId}/purchases`, { headers: { "idempotency-key": "k" }, body: { quantity: 1, paymentMethod: "pm_card_ok" } })).statusCode, 401);
  t.equal((await s.purchase("00000000-0000-4000-8000-000000000000", ann.token)).statusCode, 404, "an unknown drop");
});

import t, { type Test } from "tap";
import type { DropsEvent } from "@drops/events";
import { deleteKeysWithPrefix } from "@drops/redis";
import { eventually, uniqueName } from "@drops/testing";
import { buildApp } from "../../src/app.ts";
import { openClients } from "../../src/clients.ts";
import { findDrop } from "../../src/store/drops.ts";
import { ledgerCounters, ledgerSink } from "../../src/store/ledger.ts";
import { reconcile } from "../../src/store/reconcile.ts";
import { dropKeys } from "../../src/store/stock/keys.ts";
import { createStockStore } from "../../src/store/stock/stock-store.ts";
import { createStockRelay } from "../../src/workers/relay.ts";
import { configFor, dbFixture } from "../db-fixture.ts";
import { asService } from "@drops/http/testing";

t.setTimeout(60_000);

async function productApp(t: Test) {
  const db = await dbFixture(t);
  const prefix = `${uniqueName("products")}:`;
  const config = configFor(db, { STOCK_KEY_PREFIX: prefix, PRODUCT_HOLD_SECONDS: "120" });
  const clients = openClients(config);
  const { app } = await buildApp(config, clients);
  t.teardown(async () => {
    await deleteKeysWithPrefix(clients.redis, prefix);
    await app.close();
  });
  const put = (id: string, payload: unknown) => app.inject({ method: "PUT", url: `/internal/products/${id}/stock`, headers: asService("inventory"), payload: payload as object });
  const restock = (id: string, payload: unknown) => app.inject({ method: "POST", url: `/internal/products/${id}/restock`, headers: asService("inventory"), payload: payload as object });
  const get = (id: string) => app.inject({ url: `/internal/products/${id}/stock`, headers: asService("inventory") });
  return { app, clients, prefix, put, restock, get, store: createStockStore(clients.redis, { prefix }) };
}

t.test("product stock: set once (idempotent), read, restock through the ledgered adjust path", async (t) => {
  const { app, clients, prefix, put, restock, get, store } = await productApp(t);
  const productId = uniqueName("prod");

  const never = await get(productId);
  t.equal(never.statusCode, 409, never.body);
  t.match(never.json(), { code: "NOT_FOR_SALE" });

  const created = await put(productId, { total: 5 });
  t.equal(created.statusCode, 201, created.body);
  t.same(created.json(), { productId, stock: 5, available: 5 });
  const again = await put(productId, { total: 9 });
  t.equal(again.statusCode, 200);
  t.same(again.json(), { productId, stock: 5, available: 5 }, "already set: the current values, unchanged");
  t.match(await findDrop(clients.pool, productId), { kind: "product", status: "loaded", total: 5, perBuyerLimit: 0, holdMs: 120_000 });
  t.equal(await clients.redis.hget(dropKeys(productId, prefix).meta, "kind"), "product");

  const before = Date.now();
  const held = await store.reserve({ dropId: productId, orderId: "o1", buyerId: "b1", qty: 2 });
  t.match(held, { status: "HELD", qty: 2 }, "open at once");
  if (held.status === "HELD") t.ok(held.holdExpiresAtMs >= before + 120_000 - 1_000, "held for PRODUCT_HOLD_SECONDS");
  t.same((await get(productId)).json(), { productId, stock: 5, available: 3, held: 2, sold: 0 });

  const restocked = await restock(productId, { units: 4 });
  t.equal(restocked.statusCode, 200, restocked.body);
  t.same(restocked.json(), { productId, stock: 9, available: 7 });
  t.same((await get(productId)).json(), { productId, stock: 9, available: 7, held: 2, sold: 0 });

  const fresh = uniqueName("prod");
  const first = await restock(fresh, { units: 3 });
  t.equal(first.statusCode, 200, first.body);
  t.same(first.json(), { productId: fresh, stock: 3, available: 3 }, "a restock of a product never set sets it up");
  t.same((await restock(fresh, { units: 1 })).json(), { productId: fresh, stock: 4, available: 4 });

  // The stream goes to the ledger as for a drop; a product publishes no saga events, only snapshots.
  const published: DropsEvent[] = [];
  const relay = createStockRelay({ redis: clients.redis, prefix, publish: async (e) => void published.push(e), sinks: [ledgerSink(clients.pool)], blockMs: 20 });
  t.teardown(() => relay.stop());
  await eventually(async () => (await ledgerCounters(clients.pool, productId)).rows === 3 || (await relay.runOnce(), false), 20_000);
  t.match(await ledgerCounters(clients.pool, productId), { rows: 3, total: 5, adjustments: 4, available: 7, held: 2, sold: 0 });
  await eventually(async () => (await ledgerCounters(clients.pool, fresh)).rows === 2 || (await relay.runOnce(), false), 20_000);
  t.same([...new Set(published.map((e) => e.type))], ["StockChanged"]);
  t.match(published.filter((e) => e.type === "StockChanged" && e.payload.dropId === productId).at(-1)?.payload, { available: 7, held: 2, total: 9, status: "OPEN" });
  const report = await reconcile({ redis: clients.redis, pool: clients.pool, prefix });
  t.ok(report.ok, JSON.stringify(report.reports.flatMap((r) => r.problems)));
  t.same(report.reports.map((r) => r.dropId).sort(), [productId, fresh].sort(), "reconcile covers the products");
  t.match((await app.inject({ url: `/internal/drops/${productId}/stock`, headers: asService("inventory") })).json(), { consistent: true, total: 9 });

  // Redis loses the product: 503 until resynced from the ledger, which keeps it a product.
  await relay.stop();
  const k = dropKeys(productId, prefix);
  await clients.redis.del(k.meta, k.buyers, k.holds, k.expiry, k.events);
  t.equal((await get(productId)).statusCode, 503);
  const resync = await app.inject({ method: "POST", url: `/internal/drops/${productId}/resync`, headers: asService("inventory") });
  t.equal(resync.statusCode, 200, resync.body);
  t.equal(await clients.redis.hget(k.meta, "kind"), "product");
  t.same((await get(productId)).json(), { productId, stock: 9, available: 7, held: 2, sold: 0 });
});

t.test("product stock: bad input 400, a drop's id 409, concurrent set-ups load once", async (t) => {
  const { app, clients, prefix, put, restock, get, store } = await productApp(t);
  const productId = uniqueName("prod");
  for (const bad of [{ total: -1 }, { total: 1.5 }, { total: 10_000_001 }, {}, { total: 1, extra: 1 }, { total: "5" }]) {
    const res = await put(productId, bad);
    t.equal(res.statusCode, 400, JSON.stringify(bad));
    t.equal(res.json().code, "VALIDATION_FAILED");
  }
  for (const bad of [{ units: 0 }, { units: -3 }, { units: 2.5 }, {}, { units: 10_000_001 }]) {
    const res = await restock(productId, bad);
    t.equal(res.statusCode, 400, JSON.stringify(bad));
    t.equal(res.json().code, "VALIDATION_FAILED");
  }
  t.equal((await put("bad%20id", { total: 1 })).statusCode, 400);
  t.equal((await get("bad%20id")).json().code, "VALIDATION_FAILED");
  t.equal((await get(productId)).json().code, "NOT_FOR_SALE", "nothing was set by the bad requests");

  const dropId = uniqueName("drop");
  const scheduled = await app.inject({ method: "PUT", url: `/internal/drops/${dropId}`, headers: asService("inventory"), payload: { total: 3, startsAt: Date.now() + 3_600_000, holdSeconds: 60 } });
  t.equal(scheduled.statusCode, 201);
  t.match((await put(dropId, { total: 1 })).json(), { code: "CONFLICT" });
  t.equal((await put(dropId, { total: 1 })).statusCode, 409);
  t.match((await restock(dropId, { units: 1 })).json(), { code: "CONFLICT" });
  t.match((await get(dropId)).json(), { code: "NOT_FOR_SALE" }, "a drop is not a product for sale");

  const raced = await Promise.all([1, 2, 3].map(() => put(productId, { total: 7 })));
  t.same(raced.map((r) => r.statusCode).sort(), [200, 200, 201], "exactly one call set it up");
  t.ok(raced.every((r) => r.json().stock === 7));
  const schedule = await app.inject({ method: "PUT", url: `/internal/drops/${productId}`, headers: asService("inventory"), payload: { total: 7, startsAt: Date.now(), holdSeconds: 60 } });
  t.equal(schedule.statusCode, 409, "a product's id cannot be scheduled as a drop");
  t.match(await store.snapshot(productId), { available: 7, total: 7 });
  const entries = await clients.redis.xrange(dropKeys(productId, prefix).events, "-", "+");
  t.equal(entries.filter(([, f]) => f[f.indexOf("type") + 1] === "opened").length, 1, "loaded once");
});

import t from "tap";
import { uniqueName } from "@drops/testing";
import { createLock } from "@drops/redis";
import { buildApp } from "../../src/app.ts";
import { openClients } from "../../src/clients.ts";
import { createOpener } from "../../src/workers/opener.ts";
import { createStockStore } from "../../src/store/stock/stock-store.ts";
import { dropKeys, dropIndexKey } from "../../src/store/stock/keys.ts";
import { configFor, dbFixture } from "../db-fixture.ts";
import { asService } from "@drops/http/testing";

t.setTimeout(60_000);

t.test("internal routes: schedule a drop, check its stock (Redis vs ledger), resync", async (t) => {
  const db = await dbFixture(t);
  const config = configFor(db);
  const clients = openClients(config);
  const { app } = await buildApp(config, clients);
  t.teardown(() => app.close());
  const dropId = uniqueName("drop");
  t.teardown(async () => {
    const k = dropKeys(dropId);
    await clients.redis.del(k.meta, k.buyers, k.holds, k.expiry, k.events, `{drop:${dropId}}:relay`, `lock:drop:${dropId}:open`, `fence:drop:${dropId}:open`, `lock:drop:${dropId}:resync`, `fence:drop:${dropId}:resync`);
    await clients.redis.srem(dropIndexKey(), dropId);
  });

  const startsAt = new Date(Date.now() + 1_000).toISOString();
  const body = { total: 5, startsAt, perBuyerLimit: 1, holdSeconds: 60 };
  const put = (b: unknown, id = dropId) => app.inject({ method: "PUT", url: `/internal/drops/${id}`, headers: asService("inventory"), payload: b as object });
  const created = await put(body);
  t.equal(created.statusCode, 201, created.body);
  t.match(created.json(), { dropId, total: 5, startsAt, perBuyerLimit: 1, holdSeconds: 60, status: "scheduled", result: "created" });
  t.match((await put(body)).json(), { result: "unchanged" });
  const updated = await put({ ...body, total: 6 });
  t.equal(updated.statusCode, 200);
  t.match(updated.json(), { total: 6, result: "updated" });
  const bad = await put({ ...body, total: -1 });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().code, "VALIDATION_FAILED");
  t.equal((await put({ ...body, startsAt: "tomorrow" })).statusCode, 400);
  t.equal((await put(body, "bad%20id")).statusCode, 400);

  const before = await app.inject({ url: `/internal/drops/${dropId}/stock`, headers: asService("inventory") });
  t.equal(before.statusCode, 200, before.body);
  t.match(before.json(), { loaded: false, consistent: true, total: 0 });
  t.equal((await app.inject({ url: `/internal/drops/${uniqueName("nope")}/stock`, headers: asService("inventory") })).statusCode, 404);

  const store = createStockStore(clients.redis);
  const opener = createOpener({ pool: clients.pool, store, locker: createLock(clients.lockClients, { retryCount: 0 }) });
  t.match(await opener.runOnce(), { loaded: 1 });
  t.equal((await put(body)).statusCode, 409, "a loaded drop's schedule cannot change");
  t.equal((await put({ ...body, total: 6 })).statusCode, 200, "the same values again are fine");

  const stock = await app.inject({ url: `/internal/drops/${dropId}/stock`, headers: asService("inventory") });
  t.match(stock.json(), { available: 6, held: 0, sold: 0, total: 6, consistent: true, loaded: true, status: "open", unrelayed: 1 });

  const resync = await app.inject({ method: "POST", url: `/internal/drops/${dropId}/resync`, headers: asService("inventory") });
  t.equal(resync.statusCode, 200, resync.body);
  t.match(resync.json(), { dropId, status: "RESYNCED", available: 6, total: 6 });
  t.match((await app.inject({ url: `/internal/drops/${dropId}/stock`, headers: asService("inventory") })).json(), { available: 6, consistent: true });
  t.equal((await app.inject({ method: "POST", url: `/internal/drops/${uniqueName("nope")}/resync`, headers: asService("inventory") })).statusCode, 404);

  const adjust = (delta: unknown, id = dropId) => app.inject({ method: "POST", url: `/internal/drops/${id}/adjust`, headers: asService("inventory"), payload: { delta } as object });
  t.same((await adjust(4)).json(), { dropId, delta: 4, available: 10, adjustments: 4 });
  t.equal((await adjust(-11)).json().code, "INSUFFICIENT_AVAILABLE");
  t.equal((await adjust(0)).statusCode, 400);
  t.equal((await adjust(1.5)).statusCode, 400);
  t.equal((await adjust(1, uniqueName("nope"))).json().code, "DROP_NOT_LOADED");
  t.match((await app.inject({ url: `/internal/drops/${dropId}/stock`, headers: asService("inventory") })).json(), { available: 10, total: 10, consistent: true });
  await clients.redis.del(`lock:drop:${dropId}:adjust`, `fence:drop:${dropId}:adjust`);

  const status = (s: string, id = dropId) => app.inject({ method: "PUT", url: `/internal/drops/${id}/status`, headers: asService("inventory"), payload: { status: s } });
  t.same((await status("paused")).json(), { dropId, status: "paused", previous: "open" });
  t.match(await store.reserve({ dropId, orderId: "x", buyerId: "b", qty: 1, nowMs: Date.now() + 5_000 }), { status: "PAUSED" });
  t.same((await status("paused")).json(), { dropId, status: "paused", previous: null });
  t.same((await status("open")).json(), { dropId, status: "open", previous: "paused" });
  t.equal((await status("gone")).statusCode, 400);
  t.equal((await status("open", uniqueName("nope"))).json().code, "DROP_NOT_LOADED");
});

t.test("internal routes are served at /internal/drops whatever the stock key prefix", async (t) => {
  const db = await dbFixture(t);
  const config = configFor(db, { STOCK_KEY_PREFIX: `${uniqueName("pfx")}:` });
  const { app } = await buildApp(config, openClients(config));
  t.teardown(() => app.close());
  const dropId = "0b6f5c52-58a1-4f8e-9b1e-3f0a7f1d2c4e";
  const body = { total: 1, startsAt: new Date(Date.now() + 3_600_000).toISOString(), perBuyerLimit: 1, holdSeconds: 60 };
  const res = await app.inject({ method: "PUT", url: `/internal/drops/${dropId}`, headers: asService("inventory"), payload: body });
  t.equal(res.statusCode, 201, res.body);
});

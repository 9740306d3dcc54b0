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

t.test("pausing a scheduled drop that is not loaded yet loads it paused: it does not open by itself", async (t) => {
  const db = await dbFixture(t);
  const config = configFor(db);
  const clients = openClients(config);
  const { app } = await buildApp(config, clients);
  t.teardown(() => app.close());
  const dropId = uniqueName("drop");
  t.teardown(async () => {
    const k = dropKeys(dropId);
    await clients.redis.del(k.meta, k.buyers, k.holds, k.expiry, k.events, `{drop:${dropId}}:relay`, `lock:drop:${dropId}:open`, `fence:drop:${dropId}:open`);
    await clients.redis.srem(dropIndexKey(), dropId);
  });
  const startsAtMs = Date.now() + 2_000;
  const put = await app.inject({ method: "PUT", url: `/internal/drops/${dropId}`, headers: asService("inventory"), payload: { total: 3, startsAt: new Date(startsAtMs).toISOString(), perBuyerLimit: 1, holdSeconds: 60 } });
  t.equal(put.statusCode, 201, put.body);
  const status = (s: string, id = dropId) => app.inject({ method: "PUT", url: `/internal/drops/${id}/status`, headers: asService("inventory"), payload: { status: s } });

  const paused = await status("paused");
  t.equal(paused.statusCode, 200, paused.body);
  t.same(paused.json(), { dropId, status: "paused", previous: "scheduled" });
  t.same((await status("paused")).json(), { dropId, status: "paused", previous: null }, "idempotent");
  t.match((await app.inject({ url: `/internal/drops/${dropId}/stock`, headers: asService("inventory") })).json(), { loaded: true, status: "paused", available: 3, total: 3, consistent: true });

  const store = createStockStore(clients.redis);
  const opener = createOpener({ pool: clients.pool, store, locker: createLock(clients.lockClients, { retryCount: 0 }), leadMs: 10_000 });
  t.match(await opener.runOnce(), { loaded: 0 }, "the opener does not load (or open) it again");
  t.match(await store.reserve({ dropId, orderId: "o1", buyerId: "b", qty: 1, nowMs: startsAtMs + 1_000 }), { status: "PAUSED" }, "past its start: still paused");

  t.same((await status("open")).json(), { dropId, status: "open", previous: "paused" });
  t.match(await store.reserve({ dropId, orderId: "o2", buyerId: "b", qty: 1, nowMs: startsAtMs - 1_000 }), { status: "NOT_OPEN" }, "resumed before its start: not open yet");
  t.match(await store.reserve({ dropId, orderId: "o3", buyerId: "b", qty: 1, nowMs: startsAtMs + 1_000 }), { status: "HELD" }, "resumed and started: sells");

  t.equal((await status("paused", uniqueName("nope"))).json().code, "DROP_NOT_LOADED", "an unknown drop is still 404");
  t.equal((await status("open", uniqueName("nope"))).json().code, "DROP_NOT_LOADED");
});

/**
 * Losers nearly free, replays true (issue 7 item 4): once a drop is flagged sold out, a new attempt of
 * a verified buyer is answered before the body is read and costs no Redis command, while a replay of
 * a winning Idempotency-Key answers its own order's current status on any instance, after a restart.
 */
import t from "tap";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { openClients } from "../../src/clients.ts";
import { buildApp } from "../../src/app.ts";
import { readConfig } from "../../src/config.ts";
import { DEV_JWT_SECRET } from "../../src/config.ts";
import { createTokenSigner } from "../../src/domain/jwt.ts";
import { gatewayEnv } from "../helpers.ts";
import { purchaseStack, type PurchaseStack } from "./stock-fixture.ts";

type Teardown = { teardown: (fn: () => unknown) => void };

/** Another gateway instance on the same Redis, prefix and catalog as `s` (a second process, or the same one restarted). */
async function anotherInstance(t: Teardown, s: PurchaseStack, env: Record<string, string> = {}) {
  const gw = await buildApp(readConfig({ ...gatewayEnv(s.catalogUrl), STOCK_KEY_PREFIX: s.prefix, ...env }));
  t.teardown(() => gw.app.close());
  return { gw, purchase: (dropId: string, token: string, key: string, quantity = 1) => buy(gw.app, dropId, token, key, quantity) };
}

function buy(app: FastifyInstance, dropId: string, token: string, key: string, quantity = 1) {
  return app.inject({
    method: "POST", url: `/api/drops/${dropId}/purchases`,
    headers: { authorization: `Bearer ${token}`, "idempotency-key": key },
    payload: { quantity, paymentMethod: "pm_card_ok" },
  });
}

const settle = () => new Promise((r) => setTimeout(r, 50));
/** Flags that outlive the test, so a slow machine cannot make one lapse mid-test. */
const LONG_FLAGS = { SOLD_OUT_FLAG_MS: "60000" };

t.test("two instances: win on A, the drop sells out, the replay on B (flagged) answers the same order 201", async (t) => {
  const s = await purchaseStack(t, LONG_FLAGS);
  const b = await anotherInstance(t, s, LONG_FLAGS);
  const dropId = await s.drop({ units: 1 });
  const ann = s.buyer();
  const won = await s.purchase(dropId, ann.token, { key: "ann-1" });
  t.equal(won.statusCode, 201);

  const loser = await b.purchase(dropId, s.buyer().token, "new");
  t.same([loser.statusCode, loser.json().code], [409, "SOLD_OUT"], "B learns the drop is sold out from Redis");
  await settle();
  t.equal((await b.purchase(dropId, s.buyer().token, "new-2")).statusCode, 409);
  t.equal(b.gw.stats.soldOutShortCircuits, 1, "B is flagged: the next loser did not ask Redis");

  const replay = await b.purchase(dropId, ann.token, "ann-1");
  t.same([replay.statusCode, replay.json()], [201, won.json()], "B answers the winner's replay with its order");
  t.equal(b.gw.stats.replayCalls, 1, "through Redis (the reserve script's replay)");
  t.equal((await b.purchase(dropId, ann.token, "ann-1", 2)).statusCode, 422, "the same key with another body is still 422 on B");
  const onA = await s.purchase(dropId, ann.token, { key: "ann-1" });
  t.same([onA.statusCode, onA.json()], [201, won.json()], "and A (flagged too) as well");
  t.match(await s.store.snapshot(dropId), { available: 0, held: 1 }, "no replay held anything more");
});

t.test("a restarted instance flagged by a sold-out attempt still answers the winner's replay 201", async (t) => {
  const s = await purchaseStack(t, LONG_FLAGS);
  const dropId = await s.drop({ units: 2 });
  const ann = s.buyer();
  const bob = s.buyer();
  const won = await s.purchase(dropId, ann.token, { key: "k" });
  const won2 = await s.purchase(dropId, bob.token, { key: "k" });
  t.same([won.statusCode, won2.statusCode], [201, 201]);
  await s.gateway.close();

  const restarted = await anotherInstance(t, s, LONG_FLAGS);
  t.equal((await restarted.purchase(dropId, s.buyer().token, "late")).json().code, "SOLD_OUT", "the flag is set again by a sold-out attempt");
  for (const [who, answer] of [[ann, won], [bob, won2]] as const) {
    const replay = await restarted.purchase(dropId, who.token, "k");
    t.same([replay.statusCode, replay.json()], [201, answer.json()]);
  }
  t.equal(restarted.gw.stats.replayCalls, 2);
  t.equal(restarted.gw.stats.reserveCalls, 1, "only the first sold-out attempt reserved");
});

t.test("a replay answers the order's current status: confirmed, expired, cancelled (never held for a hold that ended)", async (t) => {
  const s = await purchaseStack(t, LONG_FLAGS);
  const dropId = await s.drop({ units: 3, holdMs: 60_000 });
  const [ann, bob, cy] = [s.buyer(), s.buyer(), s.buyer()];
  const answers = [];
  for (const who of [ann, bob, cy]) answers.push((await s.purchase(dropId, who.token, { key: "k" })).json<{ orderId: string; status: string; holdExpiresAt: string }>());
  t.same(answers.map((a) => a.status), ["held", "held", "held"]);
  t.equal((await s.purchase(dropId, s.buyer().token)).json().code, "SOLD_OUT", "flagged");

  await s.store.confirm({ dropId, orderId: answers[0]!.orderId });
  const expired = await s.store.expireDue(dropId, { nowMs: Date.now() + 120_000 });
  t.same(expired.sort(), [answers[1]!.orderId, answers[2]!.orderId].sort(), "the sweeper expired the two holds not paid");

  const statusOf = async (who: { token: string }) => (await s.purchase(dropId, who.token, { key: "k" })).json<{ status: string }>();
  const a = await statusOf(ann);
  t.same(a, { ...answers[0], status: "confirmed" }, "sold: confirmed");
  for (const [who, answer] of [[bob, answers[1]!], [cy, answers[2]!]] as const) {
    t.same(await statusOf(who), { ...answer, status: "expired" }, "expired by the sweeper: expired, not held");
  }
  t.equal(s.gw.stats.replayCalls, 3, "the instance still had the drop flagged (no StockChanged delivered here): the replays asked Redis");

  const other = await anotherInstance(t, s, LONG_FLAGS);
  t.same((await other.purchase(dropId, bob.token, "k")).json(), { ...answers[1], status: "expired" }, "the same on a fresh instance");

  const d2 = await s.drop({ units: 1 });
  const dee = s.buyer();
  const held = (await s.purchase(d2, dee.token, { key: "k" })).json<{ orderId: string }>();
  await s.store.release({ dropId: d2, orderId: held.orderId, reason: "PAYMENT_FAILED" });
  t.same((await s.purchase(d2, dee.token, { key: "k" })).json(), { ...held, status: "cancelled" }, "released by the saga: cancelled");
});

t.test("a new key after sold out costs no Redis command and no body parse; only verified buyers get the shortcut", async (t) => {
  const s = await purchaseStack(t, LONG_FLAGS);
  const config = readConfig({ ...gatewayEnv(s.catalogUrl), STOCK_KEY_PREFIX: s.prefix, ...LONG_FLAGS });
  const clients = openClients(config);
  let commands = 0;
  // REDIS_URL, not a cluster: one connection whose commands can be counted
  const redis = clients.redis as Redis;
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((...args: Parameters<typeof send>) => {
    commands++;
    return send(...args);
  });
  const gw = await buildApp(config, clients);
  t.teardown(() => gw.app.close());

  const dropId = await s.drop({ units: 1 });
  t.equal((await buy(gw.app, dropId, s.buyer().token, "w")).statusCode, 201);
  const slow = await buy(gw.app, dropId, s.buyer().token, "l");
  t.equal(slow.statusCode, 409);
  await settle();

  const before = commands;
  const losers = await Promise.all(Array.from({ length: 50 }, (_, i) => buy(gw.app, dropId, s.buyer().token, `new-${i}`)));
  t.same([...new Set(losers.map((r) => r.statusCode))], [409]);
  t.equal(commands, before, "50 new losers: not one Redis command");
  t.same(losers[0]!.json(), slow.json(), "the pre-serialized body is the one the full path answers");
  t.equal(losers[0]!.headers["content-type"], "application/json; charset=utf-8");
  t.ok(losers[0]!.headers["x-request-id"], "with its request id");

  const junk = await gw.app.inject({
    method: "POST", url: `/api/drops/${dropId}/purchases`,
    headers: { authorization: `Bearer ${s.buyer().token}`, "idempotency-key": "junk", "content-type": "application/json" },
    payload: "{not json",
  });
  t.same([junk.statusCode, junk.json().code], [409, "SOLD_OUT"], "answered before the body is parsed");
  t.equal(commands, before);

  const anon = await gw.app.inject({ method: "POST", url: `/api/drops/${dropId}/purchases`, headers: { "idempotency-key": "x" }, payload: { quantity: 1, paymentMethod: "pm_card_ok" } });
  t.same([anon.statusCode, anon.json().code], [401, "UNAUTHORIZED"], "no token: still 401");
  const bad = await buy(gw.app, dropId, `${s.buyer().token}x`, "x");
  t.same([bad.statusCode, bad.json().code], [401, "INVALID_TOKEN"]);
  const expiredToken = createTokenSigner(DEV_JWT_SECRET, 60, Date.now).sign({ userId: s.buyer().userId, roles: ["buyer"] }, Date.now() - 120_000);
  t.same((await buy(gw.app, dropId, expiredToken, "x")).json().code, "TOKEN_EXPIRED");
  const admin = createTokenSigner(DEV_JWT_SECRET, 60, Date.now).sign({ userId: s.buyer().userId, roles: ["admin"] });
  t.equal((await buy(gw.app, dropId, admin, "x")).statusCode, 403, "not a buyer: 403");
  const badKey = await gw.app.inject({
    method: "POST", url: `/api/drops/${dropId}/purchases`,
    headers: { authorization: `Bearer ${s.buyer().token}`, "idempotency-key": " padded" },
    payload: { quantity: 1, paymentMethod: "pm_card_ok" },
  });
  t.equal(badKey.statusCode, 400, "a bad Idempotency-Key is still 400");
  t.equal(commands, before, "none of them reached Redis");
});

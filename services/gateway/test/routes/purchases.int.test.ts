import t from "tap";
import { purchaseStack } from "./stock-fixture.ts";

const count = (codes: string[]) => codes.reduce<Record<string, number>>((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {});
const outcome = (res: { statusCode: number; json: () => { code?: string } }) => (res.statusCode === 201 ? "201" : `${res.statusCode} ${res.json().code}`);

t.test("100 buyers race for 1 unit: exactly one hold, 99 SOLD_OUT, no 5xx", async (t) => {
  const s = await purchaseStack(t);
  const dropId = await s.drop({ units: 1 });
  const results = await Promise.all(Array.from({ length: 100 }, () => s.purchase(dropId, s.buyer().token)));
  t.same(count(results.map(outcome)), { "201": 1, "409 SOLD_OUT": 99 });
  const won = results.find((r) => r.statusCode === 201)!.json<{ orderId: string; holdExpiresAt: string }>();
  t.match(won, { orderId: /^[0-9a-f-]{36}$/, status: "held", holdExpiresAt: /^\d{4}-\d\d-\d\dT/ });
  t.ok(Date.parse(won.holdExpiresAt) > Date.now() + 50_000, "held for the drop's hold time");
  t.match(await s.store.snapshot(dropId), { available: 0, held: 1, sold: 0 });
});

t.test("500 concurrent attempts for 100 units (limit 1): exactly 100 holds", async (t) => {
  const s = await purchaseStack(t);
  const dropId = await s.drop({ units: 100 });
  const results = await Promise.all(Array.from({ length: 500 }, () => s.purchase(dropId, s.buyer().token)));
  t.same(count(results.map(outcome)), { "201": 100, "409 SOLD_OUT": 400 });
  t.equal(new Set(results.filter((r) => r.statusCode === 201).map((r) => r.json<{ orderId: string }>().orderId)).size, 100, "100 distinct orders");
  t.match(await s.store.snapshot(dropId), { available: 0, held: 100, sold: 0 });
  t.match((await s.call("GET", `/api/drops/${dropId}`)).json(), { available: 0, status: "sold_out" }, "the drop page shows live stock");
});

t.test("NOT_OPEN before the start (and when the stock is not loaded), LIMIT_REACHED over the limit, PAUSED", async (t) => {
  const s = await purchaseStack(t);
  const startsAtMs = Date.now() + 60_000;
  const later = await s.drop({ units: 5, startsAtMs });
  const early = await s.purchase(later, s.buyer().token);
  t.equal(early.statusCode, 409);
  t.same(early.json(), { code: "NOT_OPEN", message: `the drop opens at ${new Date(startsAtMs).toISOString()}`, startsAt: new Date(startsAtMs).toISOString() });
  const unloaded = await s.drop({ units: 5, load: false });
  t.match((await s.purchase(unloaded, s.buyer().token)).json(), { code: "NOT_OPEN", startsAt: null });

  const dropId = await s.drop({ units: 5, perBuyerLimit: 1 });
  const ann = s.buyer();
  t.equal((await s.purchase(dropId, ann.token)).statusCode, 201);
  const second = await s.purchase(dropId, ann.token);
  t.equal(second.statusCode, 409);
  t.match(second.json(), { code: "LIMIT_REACHED", perBuyerLimit: 1, taken: 1 });
  t.match((await s.purchase(dropId, s.buyer().token, { quantity: 2 })).json(), { code: "LIMIT_REACHED" }, "two at once over a limit of one");

  await s.store.setStatus(dropId, "paused");
  t.match((await s.purchase(dropId, s.buyer().token)).json(), { code: "PAUSED" });
  await s.store.setStatus(dropId, "closed");
  t.match((await s.purchase(dropId, s.buyer().token)).json(), { code: "CLOSED" });
  t.equal((await s.purchase("00000000-0000-4000-8000-000000000000", ann.token)).statusCode, 404, "an unknown drop");
});

t.test("Idempotency-Key: same key same answer, other body 422, missing or bad 400; buyers only", async (t) => {
  const s = await purchaseStack(t);
  const dropId = await s.drop({ units: 10, perBuyerLimit: 5 });
  const ann = s.buyer();
  const first = await s.purchase(dropId, ann.token, { key: "order-1", quantity: 2 });
  t.equal(first.statusCode, 201);
  const again = await s.purchase(dropId, ann.token, { key: "order-1", quantity: 2 });
  t.same([again.statusCode, again.json()], [201, first.json()], "a replay is the same answer");
  t.match(await s.store.snapshot(dropId), { available: 8, held: 2 }, "and holds nothing more");
  const other = await s.purchase(dropId, ann.token, { key: "order-1", quantity: 3 });
  t.same([other.statusCode, other.json().code], [422, "IDEMPOTENCY_KEY_REUSED"]);
  t.equal((await s.purchase(dropId, ann.token, { key: "order-1", quantity: 2, paymentMethod: "pm_card_declined" })).statusCode, 422, "another payment method");
  const bob = s.buyer();
  const bobs = await s.purchase(dropId, bob.token, { key: "order-1", quantity: 2 });
  t.equal(bobs.statusCode, 201);
  t.not(bobs.json().orderId, first.json().orderId, "keys are per buyer");

  await s.store.release({ dropId, orderId: first.json().orderId as string, reason: "PAYMENT_FAILED" });
  const afterRelease = await s.purchase(dropId, ann.token, { key: "order-1", quantity: 2 });
  t.same([afterRelease.statusCode, afterRelease.json()], [201, { ...first.json(), status: "cancelled" }], "the hold moved on: the same order with its current status (issue 7 item 4: not held), no new hold");
  t.match(await s.store.snapshot(dropId), { available: 8, held: 2 });

  const missing = await s.purchase(dropId, ann.token, { key: null });
  t.same([missing.statusCode, missing.json().code, missing.json().field], [400, "VALIDATION_FAILED", "idempotency-key"]);
  for (const key of ["", "x".repeat(201), " padded", "tab\there", "ünïcode"]) {
    t.equal((await s.purchase(dropId, ann.token, { key })).statusCode, 400, `key ${JSON.stringify(key).slice(0, 20)}`);
  }
  for (const body of [{ quantity: 0, paymentMethod: "pm_card_ok" }, { quantity: 101, paymentMethod: "pm_card_ok" }, { quantity: 1 }, { quantity: 1, paymentMethod: "pm card" }, { quantity: "1", paymentMethod: "pm_card_ok" }]) {
    const res = await s.call("POST", `/api/drops/${dropId}/purchases`, { token: ann.token, headers: { "idempotency-key": "k" }, body });
    t.same([res.statusCode, res.json().code], [400, "VALIDATION_FAILED"], JSON.stringify(body));
  }
  t.equal((await s.call("POST", `/api/drops/${dropId}/purchases`, { headers: { "idempotency-key": "k" }, body: { quantity: 1, paymentMethod: "pm_card_ok" } })).statusCode, 401);
  const seller = await s.signup("nobuyer");
  t.equal(seller.userId.length, 36);
});

t.test("the sold-out flag answers without Redis, is cleared by a StockChanged with units back, and lapses", async (t) => {
  const s = await purchaseStack(t, { SOLD_OUT_FLAG_MS: "600" });
  const stats = s.gw.stats;
  const dropId = await s.drop({ units: 1 });
  const ann = s.buyer();
  const won = await s.purchase(dropId, ann.token, { key: "a" });
  t.equal(won.statusCode, 201);
  const calls = stats.reserveCalls;
  const losers = await Promise.all(Array.from({ length: 20 }, () => s.purchase(dropId, s.buyer().token)));
  t.same(count(losers.map(outcome)), { "409 SOLD_OUT": 20 });
  t.equal(stats.reserveCalls, calls, "no Redis call once the last unit went");
  t.equal(stats.soldOutShortCircuits, 20);
  const replay = await s.purchase(dropId, ann.token, { key: "a" });
  t.same([replay.statusCode, replay.json()], [201, won.json()], "the winner's replay still gets its hold");
  t.equal((await s.purchase(dropId, ann.token, { key: "a", quantity: 2 })).statusCode, 422);

  // a unit comes back: the StockChanged event clears the flag at once
  await s.store.release({ dropId, orderId: won.json().orderId as string, reason: "PAYMENT_FAILED" });
  s.gw.feed.deliver({ dropId, available: 1, held: 0, sold: 0, total: 1, status: "OPEN", seq: 1 });
  const next = await s.purchase(dropId, s.buyer().token);
  t.equal(next.statusCode, 201, "sold again after the release");
  t.equal(stats.reserveCalls, calls + 1);

  // flagged again (the last unit went); no event this time: the flag lapses after SOLD_OUT_FLAG_MS
  t.equal((await s.purchase(dropId, s.buyer().token)).statusCode, 409);
  t.equal(stats.reserveCalls, calls + 1);
  await new Promise((r) => setTimeout(r, 700));
  t.equal((await s.purchase(dropId, s.buyer().token)).json().code, "SOLD_OUT");
  t.equal(stats.reserveCalls, calls + 2, "after the flag lapsed Redis was asked again");
});

t.test("Redis unreachable: 503 UNAVAILABLE at once, never a hold", async (t) => {
  const s = await purchaseStack(t, { REDIS_URL: "redis://127.0.0.1:1" });
  const dropId = await s.drop({ units: 5 });
  const started = Date.now();
  const res = await s.purchase(dropId, s.buyer().token);
  t.equal(res.statusCode, 503);
  t.same(res.json(), { code: "UNAVAILABLE", message: "stock is unavailable right now; retry with the same Idempotency-Key" });
  t.ok(Date.now() - started < 2000, "fails fast");
  t.equal(s.gw.stats.unavailable, 1);
  t.match(await s.store.snapshot(dropId), { available: 5, held: 0 });
  t.match((await s.call("GET", `/api/drops/${dropId}`)).json(), { available: 5 }, "reads fall back to the catalog's figures");
});

t.test("an upper-case drop id in the URL is the same drop: the purchase holds (not NOT_OPEN)", async (t) => {
  const s = await purchaseStack(t);
  const dropId = await s.drop({ units: 2, perBuyerLimit: 2 });
  const ann = s.buyer();
  const upper = await s.purchase(dropId.toUpperCase(), ann.token, { key: "case-1" });
  t.equal(upper.statusCode, 201, upper.body);
  t.match(upper.json(), { status: "held" });
  t.match(await s.store.snapshot(dropId), { available: 1, held: 1 }, "the drop's own stock keys");
  const lower = await s.purchase(dropId, ann.token, { key: "case-1" });
  t.same([lower.statusCode, lower.json()], [201, upper.json()], "the same key on the lower-case spelling replays the same order");
});

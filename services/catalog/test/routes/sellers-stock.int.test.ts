import t from "tap";
import { conflict, unavailable } from "@drops/http";
import type { StockAdjuster } from "../../src/store/sellers-drops.ts";
import type { StockPauser } from "../../src/store/sellers-stock.ts";
import { inSeconds, testCatalog } from "../helpers.ts";

const dropBody = (productId: string) => ({ productId, startsAt: inSeconds(60), units: 10, perBuyerLimit: 2, holdSeconds: 60 });

t.test("rejecting an approved seller keeps a reason and pauses every drop and product stock of theirs", async (t) => {
  let failNext = false;
  const calls: string[] = [];
  const pause: StockPauser = async (id) => {
    calls.push(id);
    if (failNext) {
      failNext = false;
      throw unavailable("inventory down");
    }
    return "paused";
  };
  const c = await testCatalog(t, { pause });
  const a = await c.seller("a");
  const b = await c.seller("b");
  const p1 = await c.product(a, { stock: 5 });
  const p2 = await c.product(a);
  const drop = (await c.call("POST", "/drops", { who: a, body: dropBody(p1) })).json<{ dropId: string }>();
  const bp = await c.product(b);
  await c.call("POST", "/drops", { who: b, body: dropBody(bp) });

  const noReason = await c.call("POST", `/admin/sellers/${a.sellerId}/reject`, { who: c.admin, body: { reason: "" } });
  t.equal(noReason.statusCode, 400, "an empty reason is refused");
  t.equal((await c.call("POST", `/admin/sellers/${a.sellerId}/reject`, { who: c.admin, body: { reason: "x".repeat(501) } })).statusCode, 400);
  t.equal((await c.call("POST", `/admin/sellers/${a.sellerId}/reject`, { who: c.admin, body: { reason: "x", extra: 1 } })).statusCode, 400);
  t.equal((await c.call("POST", `/admin/sellers/${a.sellerId}/reject`, { who: a, body: { reason: "x" } })).statusCode, 403, "not an admin");
  t.same(calls, [], "nothing paused by refused requests");

  const rejected = await c.call("POST", `/admin/sellers/${a.sellerId}/reject`, { who: c.admin, body: { reason: " counterfeit goods " } });
  t.equal(rejected.statusCode, 200, rejected.body);
  t.match(rejected.json(), { sellerId: a.sellerId, status: "rejected", reason: "counterfeit goods" });
  t.same([...calls].sort(), [drop.dropId, p1, p2].sort(), "its drop and both products; not the other seller's");

  const listed = (await c.call("GET", "/admin/sellers?status=rejected", { who: c.admin })).json();
  t.match(listed, { total: 1, items: [{ sellerId: a.sellerId, reason: "counterfeit goods" }] });
  t.equal((await c.call("POST", "/products", { who: a, body: { name: "n", description: "d", priceCents: 1 } })).json().code, "SELLER_NOT_APPROVED");

  calls.length = 0;
  failNext = true;
  const down = await c.call("POST", `/admin/sellers/${a.sellerId}/reject`, { who: c.admin, body: { reason: "counterfeit goods" } });
  t.equal(down.statusCode, 503, "the inventory failing is a 503, never a silent success");
  t.equal(down.json().code, "UNAVAILABLE");
  const again = await c.call("POST", `/admin/sellers/${a.sellerId}/reject`, { who: c.admin });
  t.equal(again.statusCode, 200, "deciding again (without a body) finishes the pausing");
  t.equal(again.json().reason, "counterfeit goods", "no reason given keeps the one stored");
  t.ok(calls.filter((id) => id === drop.dropId).length >= 1);

  const approved = await c.call("POST", `/admin/sellers/${a.sellerId}/approve`, { who: c.admin });
  t.match(approved.json(), { status: "approved", reason: null }, "approving clears the reason");

  const internal = await c.call("GET", `/internal/sellers/${a.sellerId}`);
  t.same(internal.json(), { sellerId: a.sellerId, userId: a.userId, status: "approved" });
  t.equal((await c.call("GET", "/internal/sellers/00000000-0000-4000-8000-000000000000")).json().code, "SELLER_NOT_FOUND");
});

t.test("a seller's own drop: read and adjust only by its seller", async (t) => {
  let loaded = false;
  const adjust: StockAdjuster = async (dropId, delta) => {
    if (!loaded) return "not_loaded";
    if (delta < -3) throw conflict("only 3 units are available to withdraw", "INSUFFICIENT_AVAILABLE", { available: 3 });
    return { dropId, delta, available: 3 + delta, adjustments: delta };
  };
  const c = await testCatalog(t, { adjust });
  const a = await c.seller("a");
  const b = await c.seller("b");
  const buyer = await c.user("buyer");
  const productId = await c.product(a);
  const { dropId } = (await c.call("POST", "/drops", { who: a, body: dropBody(productId) })).json<{ dropId: string }>();

  t.equal((await c.call("GET", `/sellers/me/drops/${dropId}`, { who: a })).json().dropId, dropId);
  t.equal((await c.call("GET", `/sellers/me/drops/${dropId}`, { who: b })).json().code, "NOT_OWNER");
  t.equal((await c.call("GET", `/sellers/me/drops/${dropId}`, { who: buyer })).json().code, "NOT_A_SELLER");
  t.equal((await c.call("GET", "/sellers/me/drops/00000000-0000-4000-8000-000000000000", { who: a })).json().code, "DROP_NOT_FOUND");
  t.equal((await c.call("GET", `/sellers/me/drops/${dropId}`)).statusCode, 401);

  const adj = (who: typeof a, delta: unknown) => c.call("POST", `/sellers/me/drops/${dropId}/adjust`, { who, body: { delta } });
  t.equal((await adj(b, 1)).json().code, "NOT_OWNER", "another seller's adjust");
  t.equal((await adj(a, 0)).statusCode, 400);
  t.equal((await adj(a, 1.5)).statusCode, 400);
  t.equal((await adj(a, "1")).statusCode, 400);

  const before = await adj(a, 5);
  t.equal(before.statusCode, 200, before.body);
  t.same(before.json(), { dropId, delta: 5, stage: "scheduled", units: 15 }, "not loaded yet: the schedule's units");
  t.equal(c.scheduled.at(-1)?.units, 15, "handed to the inventory again");
  t.equal((await c.call("GET", `/drops/${dropId}`)).json().units, 15);
  const tooMany = await adj(a, -15);
  t.equal(tooMany.statusCode, 409);
  t.match(tooMany.json(), { code: "INSUFFICIENT_AVAILABLE", available: 15 });
  t.equal((await c.call("GET", `/drops/${dropId}`)).json().units, 15, "nothing half-applied");

  loaded = true;
  t.same((await adj(a, -2)).json(), { dropId, delta: -2, stage: "loaded", available: 1, adjustments: -2 });
  t.match((await adj(a, -4)).json(), { code: "INSUFFICIENT_AVAILABLE", available: 3 }, "the inventory's refusal as it answers");

  await c.call("POST", `/admin/sellers/${a.sellerId}/reject`, { who: c.admin, body: { reason: "r" } });
  t.equal((await adj(a, 1)).json().code, "SELLER_NOT_APPROVED", "a rejected seller does not restock");
  t.equal((await c.call("GET", `/sellers/me/drops/${dropId}`, { who: a })).statusCode, 200, "but still sees its drop");
});

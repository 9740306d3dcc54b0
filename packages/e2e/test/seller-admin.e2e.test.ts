/**
 * Sellers and admins through the public gateway, on the whole platform (every service a process,
 * real Kafka, Redis and PostgreSQL): seller rejection with a reason that stops everything the seller
 * has on sale, the seller's sales view and stock adjustment (its own drops only), the admin's drop
 * resync / pause / resume and orders, a drop's price fixed mid-drop, no purchase in one's own drop,
 * public order status filters and plain reasons.
 */
import { randomUUID } from "node:crypto";
import t from "tap";
import { eventually } from "@drops/testing";
import { api, createProduct, FINAL_STATUSES, mintBuyer, purchase, setCartLine, checkout, setUpDrop, setUpSeller, sleepUntil, startStack } from "../src/index.ts";
import type { Api, DropSetup, SellerSetup, Stack } from "../src/index.ts";

type Order = { orderId: string; status: string; stage?: string; amountCents: number; cancelReason: string | null; failureReason: string | null; reason?: string | null };
type Sales = { dropId: string; units: number; sold: number; held: number; available: number; cancelled: number; refunded: number; revenueCents: number };
type Code = { code: string; message: string; available?: number };

let stack: Stack;
let client: Api;

t.before(async () => {
  stack = await startStack();
  client = api(stack.gatewayUrl);
});

t.teardown(async () => {
  await stack?.stop();
});

/** A drop that opens in about a second, and a wait until it is open. */
async function openDrop(opts: { units?: number; perBuyerLimit?: number; priceCents?: number } = {}): Promise<DropSetup> {
  const drop = await setUpDrop(client, { units: opts.units ?? 10, perBuyerLimit: opts.perBuyerLimit ?? 2, holdSeconds: 60, startsInMs: 1_500, priceCents: opts.priceCents ?? 1_000 });
  await sleepUntil(drop.startsAt, 100);
  return drop;
}

async function sellerIdOf(seller: SellerSetup): Promise<string> {
  const me = await client.call<{ sellerId: string }>("GET", "/api/sellers/me", { token: seller.sellerToken });
  if (me.status !== 200) throw new Error(`GET /api/sellers/me: ${me.status}`);
  return me.body.sellerId;
}

async function finalOrder(buyer: { token: string }, orderId: string): Promise<Order> {
  return eventually(async () => {
    const r = await client.call<Order>("GET", `/api/orders/${orderId}`, { token: buyer.token });
    return r.status === 200 && FINAL_STATUSES.has(r.body.status) ? r.body : undefined;
  }, 30_000, 100);
}

t.test("admin routes need the admin role", async (t) => {
  const buyer = mintBuyer();
  const { dropId } = await setUpDrop(client, { units: 1, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 60_000 });
  const id = randomUUID();
  const routes: [string, string, unknown?][] = [
    ["GET", "/api/admin/sellers?status=pending"],
    ["POST", `/api/admin/sellers/${id}/reject`, { reason: "no" }],
    ["POST", `/api/admin/drops/${dropId}/resync`],
    ["POST", `/api/admin/drops/${dropId}/pause`],
    ["POST", `/api/admin/drops/${dropId}/resume`],
    ["GET", "/api/admin/orders?status=failed"],
    ["POST", `/api/admin/orders/${id}/retry-refund`],
  ];
  for (const [method, path, body] of routes) {
    const asBuyer = await client.call<Code>(method, path, { token: buyer.token, ...(body !== undefined ? { body } : {}) });
    t.same([asBuyer.status, asBuyer.body.code], [403, "FORBIDDEN"], `${method} ${path} as a buyer`);
    t.equal((await client.call(method, path, body !== undefined ? { body } : {})).status, 401, `${method} ${path} without a token`);
  }
});

t.test("admin: pending sellers listed; reject with a reason", async (t) => {
  const admin = (await setUpSeller(client)).adminToken;
  const email = `applicant-${randomUUID()}@e2e.test`;
  const user = await client.call<{ accessToken: string }>("POST", "/api/auth/signup", { body: { email, password: "applicant-pass-1", displayName: "Applicant" } });
  const applied = await client.call<{ sellerId: string; status: string }>("POST", "/api/sellers", { token: user.body.accessToken, body: { businessName: "Maybe Ltd", contactEmail: email } });
  t.equal(applied.status, 201);
  const { sellerId } = applied.body;

  const pending = await client.call<{ items: { sellerId: string; status: string }[]; total: number }>("GET", "/api/admin/sellers?status=pending&pageSize=100", { token: admin });
  t.equal(pending.status, 200);
  t.ok(pending.body.total >= 1);
  t.ok(pending.body.items.some((s) => s.sellerId === sellerId && s.status === "pending"), "the applicant is pending");
  t.ok(pending.body.items.every((s) => s.status === "pending"), "only pending ones");
  t.equal((await client.call("GET", "/api/admin/sellers?status=nope", { token: admin })).status, 400);

  t.equal((await client.call("POST", `/api/admin/sellers/${sellerId}/reject`, { token: admin, body: {} })).status, 400, "a reason is required");
  t.equal((await client.call("POST", `/api/admin/sellers/${sellerId}/reject`, { token: admin, body: { reason: "  " } })).status, 400, "a blank reason is refused");
  t.equal((await client.call("POST", `/api/admin/sellers/${sellerId}/reject`, { token: admin, body: { reason: "x", extra: 1 } })).status, 400);
  t.equal((await client.call<Code>("POST", `/api/admin/sellers/${randomUUID()}/reject`, { token: admin, body: { reason: "x" } })).body.code, "SELLER_NOT_FOUND");
  const rejected = await client.call("POST", `/api/admin/sellers/${sellerId}/reject`, { token: admin, body: { reason: "incomplete business details" } });
  t.equal(rejected.status, 200);
  t.same(rejected.body, { sellerId, status: "rejected", reason: "incomplete business details" });
  const mine = await client.call<{ status: string; reason: string }>("GET", "/api/sellers/me", { token: user.body.accessToken });
  t.match(mine.body, { status: "rejected", reason: "incomplete business details" }, "the seller sees why");
});

t.test("rejecting an approved seller stops its open drop, its coming drop and its products", async (t) => {
  const drop = await openDrop();
  const seller = { sellerToken: drop.sellerToken, adminToken: drop.adminToken };
  const sellerId = await sellerIdOf(seller);
  const productId = await createProduct(client, seller, { priceCents: 500, stock: 5 });
  const coming = await client.call<{ dropId: string }>("POST", "/api/drops", {
    token: seller.sellerToken, body: { productId: drop.productId, startsAt: new Date(Date.now() + 8_000).toISOString(), units: 3, perBuyerLimit: 1, holdSeconds: 60 },
  });
  t.equal(coming.status, 201);

  const buyer = mintBuyer();
  const before = await purchase(client, drop.dropId, buyer);
  t.equal(before.status, 201, "the drop sells before the rejection");
  t.equal((await setCartLine(client, buyer, productId, 1)).status, 200, "the product is on sale before");

  const rejected = await client.call("POST", `/api/admin/sellers/${sellerId}/reject`, { token: drop.adminToken, body: { reason: "counterfeit goods" } });
  t.equal(rejected.status, 200, JSON.stringify(rejected.body));
  t.same(rejected.body, { sellerId, status: "rejected", reason: "counterfeit goods" });

  const after = await purchase(client, drop.dropId, mintBuyer());
  t.same([after.status, after.body.code], [409, "PAUSED"], "the open drop takes no more orders");
  const cartOrder = await checkout(client, buyer);
  t.equal(cartOrder.status, 409, `a cart line of their product is refused (${JSON.stringify(cartOrder.body)})`);
  t.equal(cartOrder.body.code, "LINE_UNAVAILABLE");
  const stock = await client.call<{ status: string; loaded: boolean }>("GET", `/api/admin/drops/${coming.body.dropId}/stock`, { token: drop.adminToken });
  t.match(stock.body, { loaded: true, status: "paused" }, "the coming drop is loaded paused: it cannot open by itself");
  await sleepUntil(new Date(Date.now() + 8_500).toISOString());
  const late = await purchase(client, coming.body.dropId, mintBuyer());
  t.same([late.status, late.body.code], [409, "PAUSED"], "past its start time it is still paused");
  t.equal((await client.call<Code>("POST", "/api/products", { token: seller.sellerToken, body: { name: "n", description: "d", priceCents: 1 } })).body.code, "SELLER_NOT_APPROVED");
  const held = await finalOrder(buyer, before.body.orderId!);
  t.equal(held.status, "confirmed", "an order taken before the rejection completes");
});

t.test("sales view and stock adjustment: the seller's own drop only", async (t) => {
  const drop = await openDrop({ units: 10, perBuyerLimit: 2, priceCents: 1_500 });
  const other = await setUpSeller(client);
  const buyer = mintBuyer();
  const paid = await purchase(client, drop.dropId, buyer, { quantity: 2 });
  const declined = await purchase(client, drop.dropId, mintBuyer(), { paymentMethod: "pm_card_declined" });
  t.equal(paid.status, 201);
  t.equal(declined.status, 201);
  t.equal((await finalOrder(buyer, paid.body.orderId!)).status, "confirmed");
  const sales = await eventually(async () => {
    const r = await client.call<Sales>("GET", `/api/sellers/me/drops/${drop.dropId}/sales`, { token: drop.sellerToken });
    return r.status === 200 && r.body.held === 0 && r.body.sold === 2 && r.body.cancelled === 1 ? r.body : undefined;
  }, 30_000, 100);
  t.same(sales, { dropId: drop.dropId, units: 10, sold: 2, held: 0, available: 8, cancelled: 1, refunded: 0, revenueCents: 3_000 });

  const path = `/api/sellers/me/drops/${drop.dropId}`;
  const byOther = await client.call<Code>("GET", `${path}/sales`, { token: other.sellerToken });
  t.same([byOther.status, byOther.body.code], [403, "NOT_OWNER"], "another seller's sales view is refused");
  t.equal((await client.call<Code>("GET", `${path}/sales`, { token: buyer.token })).status, 403, "a buyer's too");
  t.equal((await client.call("GET", `${path}/sales`)).status, 401);
  t.equal((await client.call<Code>("GET", `/api/sellers/me/drops/${randomUUID()}/sales`, { token: drop.sellerToken })).body.code, "DROP_NOT_FOUND");
  const otherAdjust = await client.call<Code>("POST", `${path}/adjust`, { token: other.sellerToken, body: { delta: 100 } });
  t.same([otherAdjust.status, otherAdjust.body.code], [403, "NOT_OWNER"], "another seller's adjust is refused");

  const restocked = await client.call("POST", `${path}/adjust`, { token: drop.sellerToken, body: { delta: 5 } });
  t.equal(restocked.status, 200, JSON.stringify(restocked.body));
  t.match(restocked.body, { dropId: drop.dropId, delta: 5, units: 15, sold: 2, held: 0, available: 13 });
  const tooMuch = await client.call<Code>("POST", `${path}/adjust`, { token: drop.sellerToken, body: { delta: -14 } });
  t.same([tooMuch.status, tooMuch.body.code, tooMuch.body.available], [409, "INSUFFICIENT_AVAILABLE", 13], "never below what is sold or held");
  const withdrawn = await client.call("POST", `${path}/adjust`, { token: drop.sellerToken, body: { delta: -13 } });
  t.match(withdrawn.body, { units: 2, sold: 2, available: 0 }, "down to what is sold");
  for (const delta of [0, 1.5, "1"]) t.equal((await client.call("POST", `${path}/adjust`, { token: drop.sellerToken, body: { delta } })).status, 400, `delta ${JSON.stringify(delta)}`);
  const stock = await client.call<{ consistent: boolean }>("GET", `/api/admin/drops/${drop.dropId}/stock`, { token: drop.adminToken });
  t.equal(stock.body.consistent, true, "Redis and the ledger agree after the adjustments");

  const coming = await setUpDrop(client, { units: 4, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 60_000 });
  const early = await client.call("POST", `/api/sellers/me/drops/${coming.dropId}/adjust`, { token: coming.sellerToken, body: { delta: 3 } });
  t.match(early.body, { units: 7, available: 7, status: "scheduled" }, "before opening: the schedule's units");
  t.match((await client.call("GET", `/api/sellers/me/drops/${coming.dropId}/sales`, { token: coming.sellerToken })).body, { units: 7, sold: 0, revenueCents: 0 });
});

t.test("a drop's price is fixed: a product price change mid-drop charges nothing more", async (t) => {
  const drop = await openDrop({ priceCents: 1_000 });
  const patched = await client.call<{ priceCents: number }>("PATCH", `/api/products/${drop.productId}`, { token: drop.sellerToken, body: { priceCents: 99_999_999 } });
  t.equal(patched.status, 200, JSON.stringify(patched.body));
  t.equal(patched.body.priceCents, 99_999_999);
  // no purchase before the change: the gateway's drop cache is empty, so this one reads the catalog after the PATCH
  const buyer = mintBuyer();
  const bought = await purchase(client, drop.dropId, buyer, { quantity: 2 });
  t.equal(bought.status, 201);
  t.match(bought.body, { priceCents: 1_000, amountCents: 2_000 }, "the answer states the drop's price");
  t.equal((await client.call<{ priceCents: number }>("GET", `/api/drops/${drop.dropId}`)).body.priceCents, 1_000, "the drop shows its price");
  const order = await finalOrder(buyer, bought.body.orderId!);
  t.match(order, { status: "confirmed", amountCents: 2_000 }, "charged the drop's price");
});

t.test("a seller cannot buy in its own drop", async (t) => {
  const drop = await openDrop();
  const own = await purchase(client, drop.dropId, { token: drop.sellerToken });
  t.same([own.status, own.body.code], [403, "OWN_DROP"]);
  t.equal((await purchase(client, drop.dropId, mintBuyer())).status, 201, "others buy");
});

t.test("admin: pause, resume and resync a drop", async (t) => {
  const drop = await openDrop();
  const admin = drop.adminToken;
  const paused = await client.call("POST", `/api/admin/drops/${drop.dropId}/pause`, { token: admin });
  t.same([paused.status, paused.body], [200, { dropId: drop.dropId, status: "paused" }]);
  t.same((await client.call("POST", `/api/admin/drops/${drop.dropId}/pause`, { token: admin })).body, { dropId: drop.dropId, status: "paused" }, "idempotent");
  t.equal((await purchase(client, drop.dropId, mintBuyer())).body.code, "PAUSED");
  const resumed = await client.call("POST", `/api/admin/drops/${drop.dropId}/resume`, { token: admin });
  t.same([resumed.status, resumed.body], [200, { dropId: drop.dropId, status: "open" }]);
  t.equal((await purchase(client, drop.dropId, mintBuyer())).status, 201, "sells again");

  const resync = await eventually(async () => {
    const r = await client.call<{ consistent: boolean; total: number; status: string }>("POST", `/api/admin/drops/${drop.dropId}/resync`, { token: admin });
    return r.status === 200 ? r : undefined;
  }, 20_000, 200);
  t.match(resync.body, { dropId: drop.dropId, total: 10, consistent: true, status: "open" }, "the admin stock view after the rebuild");
  t.equal((await client.call<Code>("POST", `/api/admin/drops/${randomUUID()}/resume`, { token: admin })).body.code, "DROP_NOT_LOADED");
  t.equal((await client.call<Code>("POST", `/api/admin/drops/${randomUUID()}/resync`, { token: admin })).body.code, "DROP_NOT_FOUND");
  t.equal((await client.call("POST", "/api/admin/drops/not-a-uuid/pause", { token: admin })).status, 400);
});

t.test("orders: public status filter, plain reasons for buyers, raw ones and refund retry for admins", async (t) => {
  const drop = await openDrop({ units: 10, perBuyerLimit: 5 });
  const buyer = mintBuyer();
  const slow = await purchase(client, drop.dropId, buyer, { paymentMethod: "pm_card_timeout" });
  const declined = await purchase(client, drop.dropId, buyer, { paymentMethod: "pm_card_declined" });
  t.equal(slow.status, 201);
  t.equal(declined.status, 201);
  const cancelled = await finalOrder(buyer, declined.body.orderId!);
  const inPayment = await eventually(async () => {
    const r = await client.call<Order>("GET", `/api/orders/${slow.body.orderId}`, { token: buyer.token });
    return r.status === 200 && r.body.stage === "payment_pending" ? r.body : undefined;
  }, 10_000, 50);
  t.equal(inPayment.status, "held", "in payment, shown as held");
  const heldList = await client.call<{ items: Order[]; total: number }>("GET", "/api/orders?status=held", { token: buyer.token });
  t.equal(heldList.status, 200);
  t.same(heldList.body.items.map((o) => o.orderId), [slow.body.orderId], "?status=held finds the order the API shows as held");
  t.ok(heldList.body.items.every((o) => o.status === "held"));
  t.equal((await client.call("GET", "/api/orders?status=payment_pending", { token: buyer.token })).status, 400, "the saga's own steps are not public statuses");

  t.equal(cancelled.status, "cancelled");
  t.equal(cancelled.cancelReason, "PAYMENT_FAILED", "the code, without the provider's detail");
  t.equal(cancelled.reason, "The payment was declined; you were not charged.", "a plain sentence");
  t.same((await client.call<{ items: Order[] }>("GET", "/api/orders?status=cancelled", { token: buyer.token })).body.items.map((o) => o.orderId), [declined.body.orderId]);

  const admin = drop.adminToken;
  const all = await client.call<{ items: Order[]; total: number }>("GET", "/api/admin/orders?status=cancelled&pageSize=100", { token: admin });
  t.equal(all.status, 200);
  const raw = all.body.items.find((o) => o.orderId === declined.body.orderId);
  t.match(raw?.cancelReason, /^PAYMENT_FAILED:.+/, "admins see the raw reason");
  t.ok(all.body.items.every((o) => o.status === "cancelled"));
  const failed = await client.call<{ items: Order[]; total: number }>("GET", "/api/admin/orders?status=failed", { token: admin });
  t.same([failed.status, typeof failed.body.total, Array.isArray(failed.body.items)], [200, "number", true]);
  const notFailed = await client.call<Code>("POST", `/api/admin/orders/${declined.body.orderId}/retry-refund`, { token: admin });
  t.same([notFailed.status, notFailed.body.code], [409, "NOT_RETRYABLE"], "only a failed refund is retried");
  t.equal((await client.call<Code>("POST", `/api/admin/orders/${randomUUID()}/retry-refund`, { token: admin })).body.code, "ORDER_NOT_FOUND");
});

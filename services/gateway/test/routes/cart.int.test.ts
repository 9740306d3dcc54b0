import { randomUUID } from "node:crypto";
import t from "tap";
import { DEV_JWT_SECRET } from "../../src/config.ts";
import { createTokenSigner } from "../../src/domain/jwt.ts";
import { purchaseStack } from "./stock-fixture.ts";
import { stubService, type StubCall } from "./stub-service.ts";

const PRODUCT = "11111111-1111-4111-8111-111111111111";
/** A user with only the seller role. */
const sellerToken = createTokenSigner(DEV_JWT_SECRET, 3600, Date.now).sign({ userId: randomUUID(), roles: ["seller"] });
const cartBody = { lines: [{ productId: PRODUCT, name: "Tee", quantity: 2, priceCents: 2500, lineTotalCents: 5000 }], totalCents: 5000, expiresAt: "2030-01-08T00:00:00.000Z" };
const checkoutBody = { orderId: randomUUID(), status: "held", holdExpiresAt: "2030-01-01T00:15:00.000Z", lines: [{ productId: PRODUCT, quantity: 2, priceCents: 2500 }], amountCents: 5000, currency: "EUR" };

/** A cart service stand-in: answers by route, records calls (with bodies read by the test from `bodies`). */
function cartAnswers(c: StubCall) {
  if (c.method === "GET" && c.url === "/cart") return { status: 200, body: cartBody };
  if (c.method === "PUT" && c.url === `/cart/lines/${PRODUCT}`) return { status: 200, body: cartBody };
  if (c.method === "PUT") return { status: 409, body: { code: "NOT_FOR_SALE", message: "this product is not for sale" } };
  if (c.method === "DELETE") return { status: 200, body: { lines: [], totalCents: 0, expiresAt: null } };
  if (c.method === "POST" && c.url === "/cart/checkout") {
    if (c.headers["idempotency-key"] === "sold") return { status: 409, body: { code: "LINE_UNAVAILABLE", message: "a line of the cart could not be reserved; nothing was held", productId: PRODUCT, available: 1 } };
    return { status: 201, body: checkoutBody };
  }
  return { status: 404, body: { code: "NOT_FOUND", message: "?" } };
}

t.test("cart routes: forwarded to the cart service with the verified buyer; answers and refusals passed on", async (t) => {
  const cart = await stubService(t, cartAnswers);
  const s = await purchaseStack(t, { CART_URL: cart.url });
  const ann = s.buyer();

  const got = await s.call("GET", "/api/cart", { token: ann.token, headers: { "x-user-id": randomUUID() } });
  t.same([got.statusCode, got.json()], [200, cartBody]);
  t.match(cart.calls.at(-1), { method: "GET", url: "/cart", asserted: { sub: ann.userId, roles: ["buyer"], aud: "cart" } }, "the verified buyer, not what the client sent");

  const put = await s.call("PUT", `/api/cart/lines/${PRODUCT}`, { token: ann.token, body: { quantity: 2 } });
  t.same([put.statusCode, put.json()], [200, cartBody]);
  const refused = await s.call("PUT", `/api/cart/lines/${randomUUID()}`, { token: ann.token, body: { quantity: 1 } });
  t.same([refused.statusCode, refused.json().code], [409, "NOT_FOR_SALE"]);
  const del = await s.call("DELETE", `/api/cart/lines/${PRODUCT}`, { token: ann.token });
  t.same([del.statusCode, del.json()], [200, { lines: [], totalCents: 0, expiresAt: null }]);

  const bought = await s.call("POST", "/api/cart/checkout", { token: ann.token, headers: { "idempotency-key": "key-1" }, body: { paymentMethod: "pm_card_ok" } });
  t.same([bought.statusCode, bought.json()], [201, checkoutBody]);
  t.match(cart.calls.at(-1), { method: "POST", url: "/cart/checkout", headers: { "idempotency-key": "key-1" }, asserted: { sub: ann.userId } }, "the Idempotency-Key is forwarded");
  const sold = await s.call("POST", "/api/cart/checkout", { token: ann.token, headers: { "idempotency-key": "sold" }, body: { paymentMethod: "pm_card_ok" } });
  t.same([sold.statusCode, sold.json()], [409, { code: "LINE_UNAVAILABLE", message: "a line of the cart could not be reserved; nothing was held", productId: PRODUCT, available: 1 }], "details kept");
});

t.test("cart routes: sign-in and buyer role required, bad input is 400 before the cart service is called", async (t) => {
  const cart = await stubService(t, cartAnswers);
  const s = await purchaseStack(t, { CART_URL: cart.url });
  const ann = s.buyer();
  for (const [method, url, body, headers] of [
    ["GET", "/api/cart", undefined, {}],
    ["PUT", `/api/cart/lines/${PRODUCT}`, { quantity: 1 }, {}],
    ["DELETE", `/api/cart/lines/${PRODUCT}`, undefined, {}],
    ["POST", "/api/cart/checkout", { paymentMethod: "pm_card_ok" }, { "idempotency-key": "k" }],
  ] as const) {
    const res = await s.call(method, url, { ...(body ? { body } : {}), headers });
    t.same([res.statusCode, res.json().code], [401, "UNAUTHORIZED"], `${method} ${url} without a token`);
    const bad = await s.call(method, url, { token: "nope", ...(body ? { body } : {}), headers });
    t.equal(bad.statusCode, 401, `${method} ${url} with a bad token`);
    const notBuyer = await s.call(method, url, { token: sellerToken, ...(body ? { body } : {}), headers });
    t.same([notBuyer.statusCode, notBuyer.json().code], [403, "FORBIDDEN"], `${method} ${url} needs the buyer role`);
  }
  const bad: ["PUT" | "DELETE" | "POST", string, unknown, Record<string, string>][] = [
    ["PUT", `/api/cart/lines/${PRODUCT}`, { quantity: 0 }, {}],
    ["PUT", `/api/cart/lines/${PRODUCT}`, { quantity: 100 }, {}],
    ["PUT", `/api/cart/lines/${PRODUCT}`, { quantity: 1, priceCents: 1 }, {}],
    ["PUT", `/api/cart/lines/${PRODUCT}`, {}, {}],
    ["PUT", "/api/cart/lines/nope", { quantity: 1 }, {}],
    ["DELETE", "/api/cart/lines/nope", undefined, {}],
    ["POST", "/api/cart/checkout", { paymentMethod: "pm_card_ok" }, {}],
    ["POST", "/api/cart/checkout", { paymentMethod: "pm_card_ok" }, { "idempotency-key": " padded " }],
    ["POST", "/api/cart/checkout", { paymentMethod: "pm card" }, { "idempotency-key": "k" }],
    ["POST", "/api/cart/checkout", { paymentMethod: "pm_card_ok", amountCents: 1 }, { "idempotency-key": "k" }],
    ["POST", "/api/cart/checkout", {}, { "idempotency-key": "k" }],
  ];
  const before = cart.calls.length;
  for (const [method, url, body, headers] of bad) {
    const res = await s.call(method, url, { token: ann.token, ...(body !== undefined ? { body } : {}), headers });
    t.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(body)} ${JSON.stringify(headers)}`);
    t.match(res.json(), { code: String, message: String });
  }
  t.equal(cart.calls.length, before, "no bad request reached the cart service");
});

t.test("the cart service down: 503 UNAVAILABLE", async (t) => {
  const s = await purchaseStack(t, { CART_URL: "http://127.0.0.1:1" });
  const res = await s.call("GET", "/api/cart", { token: s.buyer().token });
  t.same([res.statusCode, res.json()], [503, { code: "UNAVAILABLE", message: "the cart service is unavailable; retry shortly" }]);
});


import t from "tap";
import { purchaseStack } from "./stock-fixture.ts";
import { stubService } from "./stub-service.ts";

const ORDER = "11111111-1111-4111-8111-111111111111";

t.test("orders: forwarded with the verified buyer in a signed assertion; a just-held order answers held before the saga wrote it", async (t) => {
  const known = new Map<string, { buyerId: string; body: object }>();
  const orders = await stubService(t, (c) => {
    const user = c.asserted?.sub ?? "";
    const one = /^\/orders\/([^/?]+)$/.exec(c.url);
    if (one) {
      const o = known.get(one[1]!);
      return o && o.buyerId === user ? { status: 200, body: o.body } : { status: 404, body: { code: "ORDER_NOT_FOUND", message: "order not found" } };
    }
    if (c.url.startsWith("/orders?") || c.url === "/orders") return { status: 200, body: { items: [], total: 0 } };
    if (/\/cancel$/.test(c.url)) return { status: 404, body: { code: "ORDER_NOT_FOUND", message: "order not found" } };
    return { status: 404, body: { code: "NOT_FOUND", message: "?" } };
  });
  const s = await purchaseStack(t, { ORDER_URL: orders.url });
  const dropId = await s.drop({ units: 3, perBuyerLimit: 2 });
  const ann = s.buyer();
  const bob = s.buyer();
  const bought = await s.purchase(dropId, ann.token, { quantity: 2 });
  t.equal(bought.statusCode, 201);
  const { orderId, holdExpiresAt } = bought.json<{ orderId: string; holdExpiresAt: string }>();

  const early = await s.call("GET", `/api/orders/${orderId}`, { token: ann.token });
  t.same([early.statusCode, early.json()], [200, { orderId, dropId, quantity: 2, status: "held", name: "Print", imageUrl: null, stage: "placing", holdExpiresAt }], "the hold, before the order row exists, named from the catalog");
  t.match(orders.calls.at(-1)!.asserted, { iss: "gateway", sub: ann.userId, roles: ["buyer"], aud: "order" }, "the verified buyer is passed on, signed for the order service");
  await s.call("GET", `/api/orders/${orderId}`, { token: ann.token, headers: { "x-user-id": bob.userId, "x-user-roles": "admin" } });
  t.match(orders.calls.at(-1)!.asserted, { sub: ann.userId, roles: ["buyer"] }, "identity headers a client sends do not change the verified caller");
  t.notOk(orders.calls.at(-1)!.headers["x-user-id"], "nor are they forwarded");
  const other = await s.call("GET", `/api/orders/${orderId}`, { token: bob.token });
  t.same([other.statusCode, other.json().code], [404, "ORDER_NOT_FOUND"], "another buyer's order is not found");
  const pending = await s.call("POST", `/api/orders/${orderId}/cancel`, { token: ann.token });
  t.same([pending.statusCode, pending.json().code], [409, "ORDER_PENDING"]);
  t.equal((await s.call("POST", `/api/orders/${orderId}/cancel`, { token: bob.token })).statusCode, 404);

  known.set(orderId, { buyerId: ann.userId, body: { orderId, dropId, buyerId: ann.userId, quantity: 2, amountCents: 5000, currency: "EUR", status: "confirmed", holdExpiresAt, cancelReason: null, failureReason: null, createdAt: "x", updatedAt: "y" } });
  const later = await s.call("GET", `/api/orders/${orderId}`, { token: ann.token });
  t.match(later.json(), { orderId, status: "confirmed", amountCents: 5000, currency: "EUR" }, "the order service's answer once it exists");

  const list = await s.call("GET", "/api/orders?page=2&pageSize=5&status=held", { token: ann.token });
  t.same(list.json(), { items: [], total: 0 });
  t.match(orders.calls.at(-1)!, { method: "GET", url: "/orders?page=2&pageSize=5&status=held", asserted: { sub: ann.userId } });
  t.equal((await s.call("GET", "/api/orders")).statusCode, 401);
  t.equal((await s.call("GET", "/api/orders?buyerId=x", { token: ann.token })).statusCode, 400, "no choosing whose orders");
  t.equal((await s.call("GET", `/api/orders/${ORDER}`, { token: ann.token })).statusCode, 404);
  t.equal((await s.call("GET", "/api/orders/nope", { token: ann.token })).statusCode, 400);
});

t.test("order service down: 503 UNAVAILABLE", async (t) => {
  const s = await purchaseStack(t, { ORDER_URL: "http://127.0.0.1:1" });
  const res = await s.call("GET", "/api/orders", { token: s.buyer().token });
  t.same([res.statusCode, res.json()], [503, { code: "UNAVAILABLE", message: "the order service is unavailable; retry shortly" }]);
});

t.test("cart orders: the pending record answers lines and dropId null; the order service's cart order passes lines through", async (t) => {
  const cartOrder = "22222222-2222-4222-8222-222222222222";
  const lines = [{ productId: ORDER, quantity: 2, priceCents: 2500 }, { productId: "33333333-3333-4333-8333-333333333333", quantity: 1, priceCents: 999 }];
  let row: object | null = null;
  const orders = await stubService(t, (c) => {
    if (c.url === `/orders/${cartOrder}` && row) return { status: 200, body: row };
    return { status: 404, body: { code: "ORDER_NOT_FOUND", message: "order not found" } };
  });
  const s = await purchaseStack(t, { ORDER_URL: orders.url });
  const ann = s.buyer();
  const holdExpiresAtMs = Date.now() + 60_000;
  // What the cart service writes right after a checkout (services/cart/src/store/stock.ts).
  await s.redis.set(`${s.prefix}purchase:${cartOrder}`, JSON.stringify(["", ann.userId, 3, holdExpiresAtMs, lines]), "PX", 60_000);
  const early = await s.call("GET", `/api/orders/${cartOrder}`, { token: ann.token });
  t.same([early.statusCode, early.json()], [200, {
    orderId: cartOrder, dropId: null, quantity: 3, lines: lines.map((l) => ({ ...l, name: null })), status: "held", name: null, imageUrl: null, stage: "placing",
    holdExpiresAt: new Date(holdExpiresAtMs).toISOString(),
  }], "names are null where the catalog does not know the products");
  t.equal((await s.call("GET", `/api/orders/${cartOrder}`, { token: s.buyer().token })).statusCode, 404, "another buyer's cart order is not found");

  row = { orderId: cartOrder, dropId: null, lines, buyerId: ann.userId, quantity: 3, amountCents: 5999, currency: "EUR", status: "paid", holdExpiresAt: null, cancelReason: null, failureReason: null, createdAt: "x", updatedAt: "y" };
  const later = await s.call("GET", `/api/orders/${cartOrder}`, { token: ann.token });
  t.equal(later.statusCode, 200, later.body);
  t.match(later.json(), { orderId: cartOrder, dropId: null, lines, status: "held", stage: "paid", amountCents: 5999 });
});

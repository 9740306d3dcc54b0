import t from "tap";
import { eventually } from "@drops/testing";
import { cartStack } from "../helpers.ts";

type Cart = { lines: { productId: string; name: string; quantity: number; priceCents: number; lineTotalCents: number }[]; totalCents: number; expiresAt: string | null };

t.test("add, update, remove; the cart answers names, prices, totals and its expiry", async (t) => {
  const s = await cartStack(t);
  const tee = await s.product({ name: "Tee", priceCents: 2500 });
  const cap = await s.product({ name: "Cap", priceCents: 999 });
  const ann = s.buyer();

  t.same((await s.call("GET", "/cart", { buyer: ann })).json(), { lines: [], totalCents: 0, expiresAt: null }, "an empty cart");

  const added = await s.put(ann, tee.productId, 2);
  t.equal(added.statusCode, 200);
  const body = added.json<Cart>();
  t.same(body.lines, [{ productId: tee.productId, name: "Tee", quantity: 2, priceCents: 2500, lineTotalCents: 5000 }]);
  t.equal(body.totalCents, 5000);
  const expires = Date.parse(body.expiresAt!) - Date.now();
  t.ok(expires > 604_790_000 && expires <= 604_800_000, "expires 7 days after the last change");

  await s.put(ann, cap.productId, 1);
  const updated = await s.put(ann, tee.productId, 3);
  t.same(updated.json<Cart>().lines.map((l) => [l.productId, l.quantity]), [[tee.productId, 3], [cap.productId, 1]], "an update keeps the line's place");
  t.equal(updated.json().totalCents, 3 * 2500 + 999);

  const removed = await s.call("DELETE", `/cart/lines/${tee.productId}`, { buyer: ann });
  t.same([removed.statusCode, removed.json<Cart>().lines.map((l) => l.productId)], [200, [cap.productId]]);
  t.equal((await s.call("DELETE", `/cart/lines/${tee.productId}`, { buyer: ann })).statusCode, 200, "removing a line not there: the cart as it is");
  await s.call("DELETE", `/cart/lines/${cap.productId}`, { buyer: ann });
  t.same((await s.call("GET", "/cart", { buyer: ann })).json(), { lines: [], totalCents: 0, expiresAt: null }, "empty again");
});

t.test("refusals: unknown product 404, never-stocked 409 NOT_FOR_SALE, quantity 1..99, bad ids, no buyer", async (t) => {
  const s = await cartStack(t);
  const ann = s.buyer();
  const unstocked = await s.product({ stock: null });
  const soldOut = await s.product({ stock: 0 });
  const unknown = await s.put(ann, "00000000-0000-4000-8000-000000000000", 1);
  t.same([unknown.statusCode, unknown.json().code], [404, "PRODUCT_NOT_FOUND"]);
  const notForSale = await s.put(ann, unstocked.productId, 1);
  t.same([notForSale.statusCode, notForSale.json().code], [409, "NOT_FOR_SALE"]);
  t.equal((await s.put(ann, soldOut.productId, 1)).statusCode, 200, "stock set to 0 is for sale (checkout will say LINE_UNAVAILABLE)");
  for (const quantity of [0, 100, 1.5, -1]) {
    const bad = await s.put(ann, soldOut.productId, quantity);
    t.same([bad.statusCode, bad.json().code], [400, "VALIDATION_FAILED"], `quantity ${quantity}`);
  }
  t.equal((await s.put(ann, soldOut.productId, 99)).json().lines[0].quantity, 99, "99 is the cap, allowed");
  t.equal((await s.call("PUT", `/cart/lines/${soldOut.productId}`, { buyer: ann, body: { quantity: 1, priceCents: 1 } })).statusCode, 400, "no price from the client");
  t.equal((await s.call("PUT", "/cart/lines/nope", { buyer: ann, body: { quantity: 1 } })).statusCode, 400);
  t.equal((await s.call("GET", "/cart", { buyer: null })).statusCode, 401, "no verified caller");
  t.equal((await s.call("GET", "/cart", { buyer: ann, roles: "seller" })).statusCode, 403, "buyers only");
});

t.test("CART_MAX_LINES distinct lines, then 409 CART_FULL (updates still fine)", async (t) => {
  const s = await cartStack(t, { CART_MAX_LINES: "2" });
  const ann = s.buyer();
  const [a, b, c] = [await s.product(), await s.product(), await s.product()];
  await s.put(ann, a.productId, 1);
  await s.put(ann, b.productId, 1);
  const full = await s.put(ann, c.productId, 1);
  t.same([full.statusCode, full.json().code], [409, "CART_FULL"]);
  t.equal((await s.put(ann, a.productId, 5)).statusCode, 200, "changing a line already there is not a new line");
  t.equal((await s.call("GET", "/cart", { buyer: ann })).json().lines.length, 2);
});

t.test("buyer isolation: another buyer neither reads nor changes my cart", async (t) => {
  const s = await cartStack(t);
  const p = await s.product();
  const ann = s.buyer();
  const bob = s.buyer();
  await s.put(ann, p.productId, 2);
  t.same((await s.call("GET", "/cart", { buyer: bob })).json().lines, [], "bob's cart is his own (empty)");
  await s.call("DELETE", `/cart/lines/${p.productId}`, { buyer: bob });
  await s.put(bob, p.productId, 7);
  t.equal((await s.call("GET", "/cart", { buyer: ann })).json().lines[0].quantity, 2, "ann's line untouched by bob's delete and put");
  const checkout = await s.checkout(bob, "k1");
  t.equal(checkout.statusCode, 201);
  t.same(checkout.json().lines, [{ productId: p.productId, quantity: 7, priceCents: 2500 }], "bob checks out his own lines");
  t.equal((await s.call("GET", "/cart", { buyer: ann })).json().lines[0].quantity, 2, "ann's cart is still there");
});

t.test("the cart expires CART_TTL_SECONDS after its last change", async (t) => {
  const s = await cartStack(t, { CART_TTL_SECONDS: "1" });
  const p = await s.product();
  const ann = s.buyer();
  const added = await s.put(ann, p.productId, 1);
  t.ok(Date.parse(added.json<Cart>().expiresAt!) - Date.now() <= 1000);
  const started = Date.now();
  const after = await eventually(async () => {
    const cart = (await s.call("GET", "/cart", { buyer: ann })).json<Cart>();
    return cart.lines.length === 0 ? cart : undefined;
  }, 5000, 50);
  t.same(after, { lines: [], totalCents: 0, expiresAt: null });
  t.ok(Date.now() - started < 3000, "gone about a second after the change");
});

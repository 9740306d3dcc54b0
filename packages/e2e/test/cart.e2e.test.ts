/**
 * The cart through the public gateway, on the whole platform (every service a process, real Kafka,
 * Redis and PostgreSQL): a multi-line checkout is one order, all lines or none; the saga confirms or
 * compensates every line; racing carts never oversell and leave the losers' other lines untouched.
 */
import { randomUUID } from "node:crypto";
import t, { type Test } from "tap";
import { eventually } from "@drops/testing";
import { api, availableOf, checkout, createProduct, FINAL_STATUSES, mintBuyer, runScript, setCartLine, settledStock, setUpSeller, startStack } from "../src/index.ts";
import type { AdminStock, Api, SellerSetup, Stack } from "../src/index.ts";


type Order = { orderId: string; status: string; dropId: string | null; lines?: { productId: string; quantity: number; priceCents: number }[] };
type Cart = { lines: { productId: string; name: string; quantity: number; priceCents: number; lineTotalCents: number }[]; totalCents: number; expiresAt: string | null };

let stack: Stack;
let client: Api;
let seller: SellerSetup;

t.before(async () => {
  stack = await startStack();
  client = api(stack.gatewayUrl);
  seller = await setUpSeller(client);
});

t.teardown(async () => {
  await stack?.stop();
});

async function finalOrder(buyer: { token: string }, orderId: string): Promise<Order> {
  return eventually(async () => {
    const r = await client.call<Order>("GET", `/api/orders/${orderId}`, { token: buyer.token });
    return r.status === 200 && FINAL_STATUSES.has(r.body.status) ? r.body : undefined;
  }, 30_000, 100);
}

const stockOf = (productId: string): Promise<AdminStock> => settledStock(client, seller.adminToken, productId);

async function reconcile(t: Test, productIds: string[]): Promise<void> {
  const rec = await runScript("scripts/reconcile.ts", productIds, stack.envFor("inventory"));
  t.equal(rec.code, 0, `reconcile consistent: ${rec.output.trim().split("\n").at(-1) ?? ""}`);
}

t.test("add, update, remove; bad input is a clear 4xx", async (t) => {
  const buyer = mintBuyer();
  const a = await createProduct(client, seller, { priceCents: 1200, stock: 5 });
  const b = await createProduct(client, seller, { priceCents: 300, stock: 5 });
  const noStock = await createProduct(client, seller, { priceCents: 900 });

  t.equal((await client.call<Cart>("GET", "/api/cart", { token: buyer.token })).body.lines.length, 0, "a new buyer's cart is empty");
  t.equal((await setCartLine(client, buyer, a, 2)).status, 200);
  t.equal((await setCartLine(client, buyer, b, 1)).status, 200);
  let cart = (await setCartLine(client, buyer, a, 3)).body as Cart;
  t.same(cart.lines.map((l) => [l.productId, l.quantity, l.lineTotalCents]), [[a, 3, 3600], [b, 1, 300]], "lines in the order added, quantities replaced");
  t.equal(cart.totalCents, 3900);
  t.ok(cart.expiresAt !== null && Date.parse(cart.expiresAt) > Date.now() + 6 * 86_400_000, "kept for 7 days from the last change");
  cart = (await client.call<Cart>("DELETE", `/api/cart/lines/${b}`, { token: buyer.token })).body;
  t.same(cart.lines.map((l) => l.productId), [a], "removed");

  t.equal((await client.call("GET", "/api/cart")).status, 401, "no token, no cart");
  for (const quantity of [0, 100, 1.5, "2"]) {
    const r = await client.call<{ code: string }>("PUT", `/api/cart/lines/${a}`, { token: buyer.token, body: { quantity } });
    t.equal(r.status, 400, `quantity ${JSON.stringify(quantity)} -> 400 (${r.body.code})`);
  }
  t.equal((await setCartLine(client, buyer, randomUUID(), 1)).status, 404, "unknown product -> 404");
  const notForSale = await setCartLine(client, buyer, noStock, 1);
  t.equal(notForSale.status, 409);
  t.equal((notForSale.body as { code: string }).code, "NOT_FOR_SALE", "a product with no stock ever set");
  t.equal((await client.call("POST", "/api/cart/checkout", { token: buyer.token, body: { paymentMethod: "pm_card_ok" } })).status, 400, "checkout needs an Idempotency-Key");

  const other = mintBuyer();
  t.equal((await client.call<Cart>("GET", "/api/cart", { token: other.token })).body.lines.length, 0, "another buyer sees only their own cart");
  const empty = await checkout(client, other);
  t.equal(empty.status, 409);
  t.equal(empty.body.code, "CART_EMPTY");
});

t.test("a three-line checkout is one order: held, then confirmed with every line sold", async (t) => {
  const buyer = mintBuyer();
  const ids = await Promise.all([createProduct(client, seller, { priceCents: 1000, stock: 5 }), createProduct(client, seller, { priceCents: 250, stock: 5 }), createProduct(client, seller, { priceCents: 99, stock: 5 })]);
  for (const [i, id] of ids.entries()) await setCartLine(client, buyer, id, i + 1);
  const key = randomUUID();
  const r = await checkout(client, buyer, { key });
  t.equal(r.status, 201, JSON.stringify(r.body));
  t.equal(r.body.status, "held");
  t.ok(r.body.holdExpiresAt, "holdExpiresAt");
  const orderId = r.body.orderId!;

  const replay = await checkout(client, buyer, { key });
  t.equal(replay.status, 201, "the same key again");
  t.equal(replay.body.orderId, orderId, "answers the same order");
  t.equal((await client.call<Cart>("GET", "/api/cart", { token: buyer.token })).body.lines.length, 0, "the cart is emptied by the checkout");

  const order = await finalOrder(buyer, orderId);
  t.equal(order.status, "confirmed");
  t.same(order.lines?.map((l) => [l.productId, l.quantity, l.priceCents]), [[ids[0], 1, 1000], [ids[1], 2, 250], [ids[2], 3, 99]], "the order's lines, at the catalog's prices");
  for (const [i, id] of ids.entries()) {
    const s = await stockOf(id);
    t.same([s.sold, s.available, s.total], [i + 1, 5 - (i + 1), 5], `line ${i + 1}: sold`);
  }
  const stranger = mintBuyer();
  t.equal((await client.call("GET", `/api/orders/${orderId}`, { token: stranger.token })).status, 404, "another buyer cannot read the cart order");
  await reconcile(t, ids);
});

t.test("a checkout whose second line is sold out reserves nothing", async (t) => {
  const buyer = mintBuyer();
  const first = await createProduct(client, seller, { stock: 4 });
  const soldOut = await createProduct(client, seller, { stock: 0 });
  const third = await createProduct(client, seller, { stock: 4 });
  for (const id of [first, soldOut, third]) await setCartLine(client, buyer, id, 1);
  const r = await checkout(client, buyer);
  t.equal(r.status, 409);
  t.same([r.body.code, r.body.productId, r.body.available], ["LINE_UNAVAILABLE", soldOut, 0], "names the line that could not be reserved");
  t.same([await availableOf(client, first), await availableOf(client, soldOut), await availableOf(client, third)], [4, 0, 4], "every product's stock as it was");
  t.equal((await client.call<Cart>("GET", "/api/cart", { token: buyer.token })).body.lines.length, 3, "the cart is kept");
  for (const id of [first, third]) t.equal((await stockOf(id)).held, 0, "nothing held");
  await reconcile(t, [first, soldOut, third]);
});

t.test("a declined card returns every line", async (t) => {
  const buyer = mintBuyer();
  const ids = await Promise.all([1, 2, 3].map(() => createProduct(client, seller, { stock: 3 })));
  for (const id of ids) await setCartLine(client, buyer, id, 2);
  const r = await checkout(client, buyer, { paymentMethod: "pm_card_declined" });
  t.equal(r.status, 201);
  const order = await finalOrder(buyer, r.body.orderId!);
  t.equal(order.status, "cancelled");
  for (const id of ids) {
    const s = await stockOf(id);
    t.same([s.available, s.sold], [3, 0], "back on sale");
  }
  await reconcile(t, ids);
});

t.test("a buyer's cancel of a confirmed cart order refunds and returns every line", async (t) => {
  const buyer = mintBuyer();
  const ids = await Promise.all([1, 2].map(() => createProduct(client, seller, { stock: 2 })));
  for (const id of ids) await setCartLine(client, buyer, id, 1);
  const r = await checkout(client, buyer);
  t.equal((await finalOrder(buyer, r.body.orderId!)).status, "confirmed");
  const cancel = await client.call<{ status: string }>("POST", `/api/orders/${r.body.orderId!}/cancel`, { token: buyer.token });
  t.equal(cancel.status, 200, JSON.stringify(cancel.body));
  await eventually(async () => {
    const s = await Promise.all(ids.map(stockOf));
    return s.every((x) => x.available === 2 && x.sold === 0) ? s : undefined;
  }, 20_000, 100);
  t.pass("both lines back on sale");
  await reconcile(t, ids);
});

t.test("50 buyers race with carts for 10 units of one product: 10 orders, the other lines back", async (t) => {
  const scarce = await createProduct(client, seller, { stock: 10 });
  const before = await createProduct(client, seller, { stock: 100 });
  const after = await createProduct(client, seller, { stock: 100 });
  const buyers = Array.from({ length: 50 }, mintBuyer);
  // The scarce product is the second line: a loser has already held the first when it fails.
  for (const b of buyers) {
    await setCartLine(client, b, before, 1);
    await setCartLine(client, b, scarce, 1);
    await setCartLine(client, b, after, 1);
  }
  const replies = await Promise.all(buyers.map((b) => checkout(client, b)));
  t.equal(replies.filter((r) => r.status >= 500).length, 0, "no 5xx");
  const won = replies.flatMap((r, i) => (r.status === 201 ? [{ buyer: buyers[i]!, orderId: r.body.orderId! }] : []));
  t.equal(won.length, 10, "exactly 10 checkouts won");
  t.ok(replies.every((r) => r.status === 201 || (r.status === 409 && r.body.code === "LINE_UNAVAILABLE" && r.body.productId === scarce)), "every loser was told the scarce line");
  const orders = await Promise.all(won.map((w) => finalOrder(w.buyer, w.orderId)));
  t.equal(orders.filter((o) => o.status === "confirmed").length, 10, "all 10 confirmed");
  const [s, b, a] = await Promise.all([stockOf(scarce), stockOf(before), stockOf(after)]);
  t.same([s.sold, s.available], [10, 0], "the scarce product sold out, never oversold");
  t.same([b.sold, b.available], [10, 90], "the first line: only the winners' units sold, the losers' released");
  t.same([a.sold, a.available], [10, 90], "the third line: only the winners' units");
  await reconcile(t, [scarce, before, after]);
});

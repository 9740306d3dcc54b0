import t from "tap";
import { testCatalog } from "../helpers.ts";

t.test("only approved sellers create products; owners alone edit them", async (t) => {
  const c = await testCatalog(t);
  const buyer = await c.user("buyer");
  const body = { name: "Tee", description: "Cotton", priceCents: 2500 };
  const notSeller = await c.call("POST", "/products", { who: buyer, body });
  t.equal(notSeller.statusCode, 403);
  t.equal(notSeller.json().code, "NOT_A_SELLER");

  await c.call("POST", "/sellers", { who: buyer, body: { businessName: "B", contactEmail: buyer.email } });
  const pending = await c.call("POST", "/products", { who: buyer, body });
  t.equal(pending.statusCode, 403);
  t.same(pending.json(), { code: "SELLER_NOT_APPROVED", message: "seller application is pending" });

  const a = await c.seller("a");
  const b = await c.seller("b");
  const created = await c.call("POST", "/products", { who: a, body });
  t.equal(created.statusCode, 201);
  const product = created.json();
  t.match(product, { productId: String, sellerId: a.sellerId, name: "Tee", description: "Cotton", priceCents: 2500 });
  t.equal((await c.call("GET", `/products/${product.productId}`)).json().name, "Tee", "anyone reads a product");

  const byB = await c.call("PATCH", `/products/${product.productId}`, { who: b, body: { priceCents: 1 } });
  t.equal(byB.statusCode, 403);
  t.equal(byB.json().code, "NOT_OWNER");
  const byA = await c.call("PATCH", `/products/${product.productId}`, { who: a, body: { priceCents: 2000 } });
  t.equal(byA.statusCode, 200);
  t.equal(byA.json().priceCents, 2000);
  t.equal((await c.call("PATCH", `/products/${product.productId}`, { who: a, body: {} })).statusCode, 400, "empty patch");
  const gone = await c.call("PATCH", "/products/00000000-0000-4000-8000-000000000000", { who: a, body: { name: "x" } });
  t.equal(gone.statusCode, 404);

  const mine = await c.call("GET", "/sellers/me/products", { who: b });
  t.same(mine.json(), { items: [], total: 0 }, "b sees none of a's products");
  t.equal((await c.call("GET", "/sellers/me/products", { who: a })).json().total, 1);
});

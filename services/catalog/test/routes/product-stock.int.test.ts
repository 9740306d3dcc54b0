import t from "tap";
import { unavailable } from "@drops/http";
import { testCatalog } from "../helpers.ts";

const body = { name: "Tee", description: "Cotton", priceCents: 2500 };

t.test("POST /products with stock: the inventory sets it in the product's transaction", async (t) => {
  const c = await testCatalog(t);
  const a = await c.seller("a");
  const created = await c.call("POST", "/products", { who: a, body: { ...body, stock: 12 } });
  t.equal(created.statusCode, 201);
  const { productId } = created.json<{ productId: string }>();
  t.same(c.stocked, [{ productId, op: "set", units: 12 }]);
  t.notOk("stock" in created.json(), "the answer is the product as before");

  const plain = await c.call("POST", "/products", { who: a, body });
  t.equal(plain.statusCode, 201);
  t.equal(c.stocked.length, 1, "no stock given: the inventory is not called (the product is not for sale in carts)");
  t.equal((await c.call("POST", "/products", { who: a, body: { ...body, stock: 0 } })).statusCode, 201, "stock 0 is allowed");
  t.equal(c.stocked.at(-1)!.units, 0);

  for (const stock of [-1, 1.5, 10_000_001, "3"]) {
    const bad = await c.call("POST", "/products", { who: a, body: { ...body, stock } });
    t.same([bad.statusCode, bad.json().code], [400, "VALIDATION_FAILED"], `stock ${JSON.stringify(stock)}`);
  }
});

t.test("the inventory unreachable: 503 and the product is not created", async (t) => {
  const c = await testCatalog(t, {
    stock: {
      set: async () => { throw unavailable("the inventory is unavailable; the stock did not happen, retry shortly"); },
      restock: async () => { throw unavailable("down"); },
    },
  });
  const a = await c.seller("a");
  const res = await c.call("POST", "/products", { who: a, body: { ...body, stock: 5 } });
  t.same([res.statusCode, res.json().code], [503, "UNAVAILABLE"]);
  t.same((await c.call("GET", "/sellers/me/products", { who: a })).json(), { items: [], total: 0 }, "rolled back");
});

t.test("POST /products/:productId/restock: its seller only; 404 unknown; {productId, stock, available}", async (t) => {
  const c = await testCatalog(t);
  const a = await c.seller("a");
  const b = await c.seller("b");
  const buyer = await c.user("buyer");
  const productId = await c.product(a, { stock: 3 });
  const ok = await c.call("POST", `/products/${productId}/restock`, { who: a, body: { units: 4 } });
  t.same([ok.statusCode, ok.json()], [200, { productId, stock: 7, available: 7 }]);
  t.same(c.stocked.at(-1), { productId, op: "restock", units: 4 });

  const other = await c.call("POST", `/products/${productId}/restock`, { who: b, body: { units: 1 } });
  t.same([other.statusCode, other.json().code], [403, "NOT_OWNER"]);
  t.equal((await c.call("POST", `/products/${productId}/restock`, { who: buyer, body: { units: 1 } })).statusCode, 403, "not a seller");
  t.equal((await c.call("POST", `/products/${productId}/restock`, { body: { units: 1 } })).statusCode, 401, "no caller");
  const unknown = await c.call("POST", "/products/00000000-0000-4000-8000-000000000000/restock", { who: a, body: { units: 1 } });
  t.same([unknown.statusCode, unknown.json().code], [404, "PRODUCT_NOT_FOUND"]);
  for (const units of [0, -1, 10_000_001, 2.5]) {
    t.equal((await c.call("POST", `/products/${productId}/restock`, { who: a, body: { units } })).statusCode, 400, `units ${units}`);
  }
  t.equal((await c.call("POST", `/products/${productId}/restock`, { who: a, body: {} })).statusCode, 400, "units required");
  t.equal(c.stocked.length, 2, "no refused restock reached the inventory");
});

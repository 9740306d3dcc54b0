import t from "tap";
import { purchaseStack } from "./stock-fixture.ts";

const body = { name: "Tee", description: "Cotton", priceCents: 2500 };

t.test("products with stock: created with stock, read with stock.available, restocked by their seller only", async (t) => {
  const s = await purchaseStack(t);
  const a = await s.seller("a");
  const b = await s.seller("b");

  const created = await s.call("POST", "/api/products", { token: a.accessToken, body: { ...body, stock: 7 } });
  t.same([created.statusCode, Object.keys(created.json())], [201, ["productId"]]);
  const { productId } = created.json<{ productId: string }>();
  t.same(s.catalog.stocked, [{ productId, op: "set", units: 7 }], "the catalog had the inventory set the stock");

  const never = await s.call("GET", `/api/products/${productId}`);
  t.same([never.statusCode, never.json().stock], [200, { available: 0 }], "not loaded on the stock Redis (this test's inventory stand-in): 0");
  await s.store.openDrop({ dropId: productId, total: 7, startsAtMs: Date.now() - 1000, perBuyerLimit: 0, holdMs: 60_000, kind: "product" });
  await s.store.reserve({ dropId: productId, orderId: "o1", buyerId: "b1", qty: 2 });
  const read = await s.call("GET", `/api/products/${productId}`);
  t.equal(read.statusCode, 200);
  t.match(read.json(), { productId, sellerId: a.sellerId, name: "Tee", priceCents: 2500, stock: { available: 5 } }, "the live figure");

  const restocked = await s.call("POST", `/api/products/${productId}/restock`, { token: a.accessToken, body: { units: 3 } });
  t.same([restocked.statusCode, restocked.json()], [200, { productId, stock: 10, available: 10 }], "the inventory's figures (here the catalog's recording stand-in)");
  t.same(s.catalog.stocked.at(-1), { productId, op: "restock", units: 3 });

  const notOwner = await s.call("POST", `/api/products/${productId}/restock`, { token: b.accessToken, body: { units: 1 } });
  t.same([notOwner.statusCode, notOwner.json().code], [403, "NOT_OWNER"]);
  const unknown = await s.call("POST", "/api/products/00000000-0000-4000-8000-000000000000/restock", { token: a.accessToken, body: { units: 1 } });
  t.same([unknown.statusCode, unknown.json().code], [404, "PRODUCT_NOT_FOUND"]);
  t.equal((await s.call("POST", `/api/products/${productId}/restock`, { body: { units: 1 } })).statusCode, 401);
  for (const bad of [{ units: 0 }, { units: 1.5 }, { units: 10_000_001 }, {}, { units: 1, stock: 2 }]) {
    const res = await s.call("POST", `/api/products/${productId}/restock`, { token: a.accessToken, body: bad });
    t.same([res.statusCode, res.json().code], [400, "VALIDATION_FAILED"], JSON.stringify(bad));
  }
  for (const stock of [-1, 2.5, 10_000_001, "5"]) {
    const res = await s.call("POST", "/api/products", { token: a.accessToken, body: { ...body, stock } });
    t.equal(res.statusCode, 400, `stock ${JSON.stringify(stock)}`);
  }
  t.equal((await s.call("POST", "/api/products", { token: a.accessToken, body })).statusCode, 201, "stock is optional");
  t.equal(s.catalog.stocked.length, 2, "no refused request reached the inventory");
  t.equal((await s.call("GET", "/api/products/00000000-0000-4000-8000-000000000000")).statusCode, 404);
});

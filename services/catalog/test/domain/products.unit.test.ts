import t from "tap";
import { mustOwn, productPatch } from "../../src/domain/products.ts";

t.test("products: owners only; patches keep only the fields sent, trimmed", async (t) => {
  const seller = { sellerId: "5b0d9f8e-2c1a-4e3b-9f7d-1a2b3c4d5e6f" };
  const product = { sellerId: seller.sellerId };
  t.equal(mustOwn(product, seller), product);
  t.throws(() => mustOwn({ sellerId: "other" }, seller), { statusCode: 403, code: "NOT_OWNER" });
  t.same(productPatch({ name: " Tee " }), { name: "Tee" });
  t.same(productPatch({ priceCents: 0 }), { priceCents: 0 });
});

import t from "tap";
import { cartView, parseCart, putDecision, storedValue, type ProductInfo } from "../../src/domain/cart.ts";

const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";
const C = "cccccccc-0000-4000-8000-000000000003";

t.test("parseCart: lines oldest first, then by product id; junk and out-of-range values left out", async (t) => {
  const lines = parseCart({ [B]: storedValue(2, 200), [A]: storedValue(1, 300), [C]: storedValue(5, 200), x: "nope", y: "0:1", z: "100:1" });
  t.same(lines, [
    { productId: B, quantity: 2, addedAtMs: 200 },
    { productId: C, quantity: 5, addedAtMs: 200 },
    { productId: A, quantity: 1, addedAtMs: 300 },
  ]);
  t.same(parseCart({}), []);
});

t.test("putDecision: an existing line updates, a new one adds under the cap, over it is full", async (t) => {
  const lines = [{ productId: A }, { productId: B }];
  t.equal(putDecision(lines, A, 2), "update", "updating never counts against the cap");
  t.equal(putDecision(lines, C, 3), "add");
  t.equal(putDecision(lines, C, 2), "full");
  t.equal(putDecision([], A, 1), "add");
});

t.test("cartView: names and prices from the catalog, line totals, total, expiry from the TTL", async (t) => {
  const products = new Map<string, ProductInfo>([
    [A, { productId: A, name: "Tee", priceCents: 2500 }],
    [B, { productId: B, name: "Cap", priceCents: 999 }],
  ]);
  const view = cartView(parseCart({ [A]: "2:1", [B]: "3:2" }), products, 60_000, Date.UTC(2030, 0, 1));
  t.same(view, {
    lines: [
      { productId: A, name: "Tee", quantity: 2, priceCents: 2500, lineTotalCents: 5000 },
      { productId: B, name: "Cap", quantity: 3, priceCents: 999, lineTotalCents: 2997 },
    ],
    totalCents: 7997,
    expiresAt: "2030-01-01T00:01:00.000Z",
  });
  t.same(cartView([], products, -2, 0), { lines: [], totalCents: 0, expiresAt: null }, "an empty cart: no lines, no expiry");
  t.same(cartView(parseCart({ [C]: "1:1" }), products, 1000, 0).lines, [], "a product the catalog no longer knows is not shown");
});

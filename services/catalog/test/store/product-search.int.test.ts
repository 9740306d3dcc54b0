import t from "tap";
import { testCatalog } from "../helpers.ts";
import { applyStockFigures } from "../../src/store/stock-figures.ts";

type Listing = { productId: string; name: string; priceCents: number; stock: { available: number } };

t.test("search products: keywords, seller and price filters, sorts, pages, stock", async (t) => {
  const c = await testCatalog(t);
  const s = await c.seller();
  const other = await c.seller("other");
  const mug = await c.product(s, { name: "Enamel Mug", description: "Blue rim, 350 ml", priceCents: 1_500, stock: 8 });
  const cup = await c.product(s, { name: "Espresso cup", description: "blue glaze", priceCents: 900 });
  const shirt = await c.product(other, { name: "Tour shirt", description: "Blue cotton 100%", priceCents: 2_500, stock: 3 });
  const poster = await c.product(other, { name: "Poster", description: "Signed", priceCents: 4_000 });

  const q = async (query: string) => {
    const res = await c.call("GET", `/products?${query}`);
    t.equal(res.statusCode, 200, `${query}: ${res.body}`);
    return res.json<{ items: Listing[]; total: number }>();
  };
  const ids = async (query: string) => (await q(query)).items.map((i) => i.productId);

  t.same(await ids(""), [poster, shirt, cup, mug], "newest first by default");
  t.same(await ids("sort=createdAt"), [mug, cup, shirt, poster]);
  t.same(await ids("sort=price"), [cup, mug, shirt, poster]);
  t.same(await ids("sort=-price"), [poster, shirt, mug, cup]);
  t.same(await ids("q=BLUE&sort=price"), [cup, mug, shirt], "any case, name or description");
  t.same(await ids("q=blue+cotton"), [shirt], "every keyword");
  t.same(await ids("q=100%25"), [shirt], "% literal");
  t.same(await ids(`sellerId=${s.sellerId}&sort=price`), [cup, mug]);
  t.same(await ids("minPriceCents=1000&maxPriceCents=2500&sort=price"), [mug, shirt]);
  const p = await q("q=blue&sort=price&pageSize=2&page=2");
  t.same([p.items.map((i) => i.productId), p.total], [[shirt], 3]);

  const byId = new Map((await q("")).items.map((i) => [i.productId, i.stock.available]));
  t.same([byId.get(mug), byId.get(cup), byId.get(shirt)], [8, 0, 3], "stock.available: as set at creation, 0 when never set");
  t.equal(await applyStockFigures(c.db, { itemId: mug, available: 5, total: 8, sold: 3, seq: 7 }), "product", "a product's stock snapshot");
  t.equal(await applyStockFigures(c.db, { itemId: mug, available: 8, total: 8, sold: 0, seq: 6 }), "none", "an older one is ignored");
  t.equal((await q("q=mug")).items[0]?.stock.available, 5);

  for (const bad of ["sort=available", "sort=startsAt", "minPriceCents=3&maxPriceCents=2", "sellerId=x", "pageSize=101", "status=open"]) {
    const res = await c.call("GET", `/products?${bad}`);
    t.equal(res.statusCode, 400, bad);
    t.equal(res.json().code, "VALIDATION_FAILED", bad);
  }
});

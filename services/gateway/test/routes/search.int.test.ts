/** GET /api/drops and /api/products search and /api/rankings/* through the gateway, on a real catalog. */
import t from "tap";
import { inSeconds, testStack } from "../helpers.ts";

t.test("search through the gateway: filters, sorts, pages; bad parameters are a clear 400", async (t) => {
  const s = await testStack(t);
  const ann = await s.seller("ann");
  const product = async (name: string, priceCents: number) =>
    (await s.call("POST", "/api/products", { token: ann.accessToken, body: { name, description: "Screen print", priceCents } })).json<{ productId: string }>().productId;
  const cheap = await product("Red poster", 1_000);
  const dear = await product("Blue poster", 9_000);
  const drop = async (productId: string, startIn: number) =>
    (await s.call("POST", "/api/drops", { token: ann.accessToken, body: { productId, startsAt: inSeconds(startIn), units: 10, perBuyerLimit: 1, holdSeconds: 60 } })).json<{ dropId: string }>().dropId;
  const later = await drop(cheap, 600);
  const sooner = await drop(dear, 300);

  const ids = async (path: string, key: "dropId" | "productId") => {
    const r = await s.call("GET", path);
    t.equal(r.statusCode, 200, `${path}: ${r.body}`);
    return r.json<{ items: Record<string, string>[] }>().items.map((i) => i[key]);
  };
  t.same(await ids("/api/drops?q=POSTER+print&sort=price", "dropId"), [later, sooner]);
  t.same(await ids("/api/drops?sort=-price", "dropId"), [sooner, later]);
  t.same(await ids("/api/drops?status=upcoming&minPriceCents=5000", "dropId"), [sooner]);
  t.same(await ids(`/api/drops?sellerId=${ann.sellerId}&maxPriceCents=1000`, "dropId"), [later]);
  t.same(await ids("/api/drops?status=open", "dropId"), []);
  t.same(await ids("/api/products?q=red", "productId"), [cheap]);
  t.same(await ids("/api/products?sort=-price", "productId"), [dear, cheap]);
  const listed = (await s.call("GET", "/api/products?q=blue")).json<{ items: unknown[]; total: number }>();
  t.match(listed, { items: [{ productId: dear, name: "Blue poster", priceCents: 9_000, stock: { available: 0 } }], total: 1 });

  for (const bad of ["/api/drops?sort=name", "/api/drops?status=gone", "/api/drops?minPriceCents=10&maxPriceCents=9", "/api/products?sort=startsAt", "/api/products?minPriceCents=2&maxPriceCents=1", "/api/products?pageSize=0", "/api/rankings/drops?limit=0", "/api/rankings/products?limit=101"]) {
    const r = await s.call("GET", bad);
    t.equal(r.statusCode, 400, bad);
    t.equal(r.json().code, "VALIDATION_FAILED", bad);
    t.type(r.json().message, "string");
  }
  t.match((await s.call("GET", "/api/drops?minPriceCents=10&maxPriceCents=9")).json(), { message: /minPriceCents \(10\) must not be above maxPriceCents \(9\)/ }, "says what is wrong");
});

t.test("rankings through the gateway: nothing sold yet is an empty list", async (t) => {
  const s = await testStack(t);
  for (const kind of ["drops", "products"]) {
    const r = await s.call("GET", `/api/rankings/${kind}`);
    t.equal(r.statusCode, 200, r.body);
    t.same(r.json(), { items: [] });
  }
});

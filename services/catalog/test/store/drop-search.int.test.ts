import t from "tap";
import { inSeconds, testCatalog, type Catalog } from "../helpers.ts";

async function dropFor(c: Catalog, who: { userId: string; roles: string[] }, name: string, description: string, startIn: number, units: number): Promise<string> {
  const productId = await c.product(who, { name, description });
  const res = await c.call("POST", "/drops", { who, body: { productId, startsAt: inSeconds(startIn), units, perBuyerLimit: 1, holdSeconds: 60 } });
  return res.json<{ dropId: string }>().dropId;
}

t.test("search drops: every keyword on name or description, sort, pagination", async (t) => {
  const c = await testCatalog(t);
  const s = await c.seller();
  const red = await dropFor(c, s, "Red Sneaker", "Leather upper", 300, 10);
  const blue = await dropFor(c, s, "Blue sneaker", "Suede, RED laces", 100, 50);
  const print = await dropFor(c, s, "Artist print", "Signed 100% cotton_paper", 200, 5);
  const now = await dropFor(c, s, "Tour hoodie", "Black", 0, 20);

  const q = async (query: string) => {
    const res = await c.call("GET", `/drops?${query}`);
    t.equal(res.statusCode, 200, `${query}: ${res.body}`);
    return res.json<{ items: { dropId: string; status: string }[]; total: number }>();
  };
  const ids = (r: { items: { dropId: string }[] }) => r.items.map((i) => i.dropId);

  t.same(ids(await q("")), [now, blue, print, red], "default: soonest first");
  t.same(ids(await q("sort=-startsAt")), [red, print, blue, now]);
  t.same(ids(await q("sort=available")), [blue, now, red, print], "most available first");
  t.same(ids(await q("q=SNEAKER")), [blue, red], "case-insensitive, name");
  t.same(ids(await q("q=red")), [blue, red], "name or description");
  t.same(ids(await q("q=red%20%20sneaker%20leather")), [red], "every keyword must match");
  t.same(ids(await q("q=red+suede")), [blue]);
  t.same(await q("q=sneaker+velvet"), { items: [], total: 0 });
  t.same(ids(await q("q=100%25")), [print], "% is literal");
  t.same(ids(await q("q=n_p")), [print], "_ is literal");
  t.same(await q("q=o_e"), { items: [], total: 0 }, "_ is not a wildcard");
  t.same(ids(await q("status=open")), [now]);
  t.equal((await q("status=scheduled")).total, 3);

  const page1 = await q("pageSize=3&page=1");
  const page2 = await q("pageSize=3&page=2");
  t.equal(page1.total, 4);
  t.equal(page2.total, 4);
  t.same([...ids(page1), ...ids(page2)], [now, blue, print, red]);
  t.same(await q("page=9"), { items: [], total: 4 });

  for (const bad of ["pageSize=101", "pageSize=0", "page=0", "page=x", "sort=price", "status=gone", "q=" + "x".repeat(201), "sellerId=1", "extra=1"]) {
    const res = await c.call("GET", `/drops?${bad}`);
    t.equal(res.statusCode, 400, bad);
    t.equal(res.json().code, "VALIDATION_FAILED", bad);
  }
});

import t from "tap";
import { inSeconds, testCatalog, type Catalog } from "../helpers.ts";
import { applyStockFigures } from "../../src/store/stock-figures.ts";

async function dropFor(c: Catalog, who: { userId: string; roles: string[] }, name: string, description: string, startIn: number, units: number, priceCents = 12_000): Promise<string> {
  const productId = await c.product(who, { name, description, priceCents });
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

  for (const bad of ["pageSize=101", "pageSize=0", "page=0", "page=x", "sort=name", "status=gone", "minPriceCents=-1", "maxPriceCents=1.5", "minPriceCents=5&maxPriceCents=4", "q=" + "x".repeat(201), "sellerId=1", "extra=1"]) {
    const res = await c.call("GET", `/drops?${bad}`);
    t.equal(res.statusCode, 400, bad);
    t.equal(res.json().code, "VALIDATION_FAILED", bad);
  }
});

t.test("search drops: status as buyers see it (from stock snapshots), stock and price sorts, price and seller filters", async (t) => {
  const c = await testCatalog(t);
  const s = await c.seller();
  const other = await c.seller("other");
  const soon = await dropFor(c, s, "Poster one", "Screen print", 600, 10, 3_000);
  const open = await dropFor(c, s, "Poster two", "Screen print", 0, 30, 1_000);
  const soldOut = await dropFor(c, s, "Poster three", "Screen print", 0, 20, 5_000);
  const paused = await dropFor(c, other, "Poster four", "Screen print", 0, 40, 2_000);
  const ended = await dropFor(c, other, "Poster five", "Screen print", 0, 5, 4_000);
  const figures = (itemId: string, available: number, total: number, status: "open" | "paused" | "closed", seq: number) =>
    applyStockFigures(c.db, { itemId, available, total, sold: total - available, status, seq });
  t.equal(await figures(soldOut, 0, 20, "open", 10), "drop");
  t.equal(await figures(paused, 12, 40, "paused", 10), "drop");
  t.equal(await figures(ended, 1, 5, "closed", 10), "drop");
  t.equal(await figures(open, 25, 35, "open", 10), "drop", "a restock raises units");
  t.equal(await figures(open, 30, 35, "open", 9), "none", "an older snapshot changes nothing");
  t.equal(await figures(open, 30, 35, "open", 10), "none", "a replay changes nothing");

  const q = async (query: string) => {
    const res = await c.call("GET", `/drops?${query}`);
    t.equal(res.statusCode, 200, `${query}: ${res.body}`);
    return res.json<{ items: { dropId: string; available: number; units: number; status: string }[]; total: number }>();
  };
  const ids = async (query: string) => (await q(query)).items.map((i) => i.dropId);

  t.same(await ids("status=open"), [open], "open: started with units left (not the sold-out one)");
  t.same(await ids("status=sold_out"), [soldOut]);
  t.same(await ids("status=upcoming"), [soon]);
  t.same(await ids("status=paused"), [paused]);
  t.same(await ids("status=ended"), [ended]);
  const o = (await q("status=open")).items[0]!;
  t.same([o.available, o.units], [25, 35], "available and units from the snapshot");

  t.same(await ids("sort=available"), [open, paused, soon, ended, soldOut], "most units left first");
  t.same(await ids("sort=-available"), [soldOut, ended, soon, paused, open], "the exact reverse");
  t.same(await ids("sort=price"), [open, paused, soon, ended, soldOut], "cheapest first");
  t.same(await ids("sort=-price"), [soldOut, ended, soon, paused, open]);
  t.same(await ids("minPriceCents=2000&maxPriceCents=4000&sort=price"), [paused, soon, ended], "both bounds inclusive");
  t.same(await ids("minPriceCents=4001&sort=price"), [soldOut]);
  t.same(await ids("maxPriceCents=999"), []);
  t.same(await ids(`sellerId=${other.sellerId}&sort=price`), [paused, ended]);
  const page = await q(`q=poster+PRINT&sort=price&pageSize=2&page=2&sellerId=${s.sellerId}`);
  t.same([page.items.map((i) => i.dropId), page.total], [[soldOut], 3], "keywords, seller, sort and page together; total of every match");
});

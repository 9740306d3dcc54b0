import t from "tap";
import { recordStock } from "../../src/store/drops.ts";
import { unavailable } from "@drops/http";
import { inSeconds, testCatalog } from "../helpers.ts";

t.test("drop creation: owner only, validations, read back", async (t) => {
  const c = await testCatalog(t);
  const a = await c.seller("a");
  const b = await c.seller("b");
  const productId = await c.product(a, { name: "Air Max", description: "Limited colourway", priceCents: 19_900 });
  const valid = { productId, startsAt: inSeconds(60), units: 100, perBuyerLimit: 2, holdSeconds: 120 };

  const created = await c.call("POST", "/drops", { who: a, body: valid });
  t.equal(created.statusCode, 201, created.body);
  const drop = created.json();
  t.match(drop, {
    dropId: String, productId, sellerId: a.sellerId, name: "Air Max", description: "Limited colourway", priceCents: 19_900,
    startsAt: valid.startsAt, units: 100, available: 100, perBuyerLimit: 2, holdSeconds: 120, status: "scheduled",
  });
  t.same(c.scheduled, [drop], "handed to the inventory");
  const read = await c.call("GET", `/drops/${drop.dropId}`);
  t.equal(read.statusCode, 200);
  t.same(read.json(), { ...drop, images: [], imageUrl: null }, "the read carries the product's pictures (none yet)");

  const byB = await c.call("POST", "/drops", { who: b, body: valid });
  t.equal(byB.statusCode, 403, "another seller's product");
  t.equal(byB.json().code, "NOT_OWNER");
  const buyer = await c.user();
  t.equal((await c.call("POST", "/drops", { who: buyer, body: valid })).statusCode, 403);
  t.equal((await c.call("POST", "/drops", { body: valid })).statusCode, 401);
  const noProduct = await c.call("POST", "/drops", { who: a, body: { ...valid, productId: "00000000-0000-4000-8000-000000000000" } });
  t.equal(noProduct.statusCode, 404);

  const now = await c.call("POST", "/drops", { who: a, body: { ...valid, startsAt: new Date().toISOString() } });
  t.equal(now.statusCode, 201, "now is allowed");
  t.equal(now.json().status, "open", "a drop past its start is open");

  const bad: [string, Record<string, unknown>, string][] = [
    ["past start", { startsAt: inSeconds(-3600) }, "STARTS_IN_PAST"],
    ["no timezone", { startsAt: "2030-01-01T10:00:00" }, "VALIDATION_FAILED"],
    ["not a date", { startsAt: "tomorrow" }, "VALIDATION_FAILED"],
    ["0 units", { units: 0 }, "VALIDATION_FAILED"],
    ["too many units", { units: 1_000_001 }, "VALIDATION_FAILED"],
    ["fractional units", { units: 1.5 }, "VALIDATION_FAILED"],
    ["units as string", { units: "10" }, "VALIDATION_FAILED"],
    ["limit 0", { perBuyerLimit: 0 }, "VALIDATION_FAILED"],
    ["hold 4", { holdSeconds: 4 }, "VALIDATION_FAILED"],
    ["hold 3601", { holdSeconds: 3601 }, "VALIDATION_FAILED"],
    ["bad product id", { productId: "42" }, "VALIDATION_FAILED"],
    ["unknown field", { color: "red" }, "VALIDATION_FAILED"],
  ];
  for (const [name, patch, code] of bad) {
    const res = await c.call("POST", "/drops", { who: a, body: { ...valid, ...patch } });
    t.equal(res.statusCode, 400, name);
    t.equal(res.json().code, code, name);
  }
  const edges = await c.call("POST", "/drops", { who: a, body: { ...valid, units: 1_000_000, perBuyerLimit: 1, holdSeconds: 30 } });
  t.equal(edges.statusCode, 201, "bounds are inclusive");
  t.equal((await c.call("POST", "/drops", { who: a, body: { ...valid, units: 1, holdSeconds: 3600 } })).statusCode, 201);

  t.equal((await c.call("GET", "/drops/00000000-0000-4000-8000-000000000000")).json().code, "DROP_NOT_FOUND");
  t.equal((await c.call("GET", "/drops/nope")).statusCode, 400);

  await recordStock(c.db, drop.dropId as string, 7);
  t.equal((await c.call("GET", `/drops/${drop.dropId}`)).json().available, 7, "the live-stock seam");
});

t.test("a drop the inventory could not schedule is not created", async (t) => {
  const c = await testCatalog(t, { scheduler: async () => { throw unavailable("the inventory is unavailable; the drop was not created, retry shortly"); } });
  const s = await c.seller();
  const productId = await c.product(s);
  const res = await c.call("POST", "/drops", { who: s, body: { productId, startsAt: inSeconds(60), units: 5, perBuyerLimit: 1, holdSeconds: 60 } });
  t.equal(res.statusCode, 503);
  t.equal(res.json().code, "UNAVAILABLE");
  t.equal(await c.db.drop.count(), 0, "rolled back");
});

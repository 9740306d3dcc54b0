import t from "tap";
import { createRedis } from "@drops/redis";
import { testEnv } from "@drops/testing";
import { stockFixture, HOUR, type StockFixture } from "../../stock-fixture.ts";
import { createCartStock } from "../../../src/store/stock/cart-stock.ts";

t.setTimeout(60_000);

async function products(f: StockFixture, stock: Record<string, number>, holdMs = HOUR): Promise<void> {
  for (const [dropId, total] of Object.entries(stock)) {
    await f.store.openDrop({ dropId, total, startsAtMs: 0, perBuyerLimit: 0, holdMs, kind: "product" });
  }
}

const availableOf = async (f: StockFixture, ids: readonly string[]): Promise<Record<string, number | null>> =>
  Object.fromEntries(await Promise.all(ids.map(async (id) => [id, (await f.store.snapshot(id))?.available ?? null] as const)));

t.test("reserveLines holds every line under the order; a replay answers HELD again", async (t) => {
  const f = stockFixture(t);
  await products(f, { p1: 5, p2: 3 }, HOUR);
  await f.store.openDrop({ dropId: "p3", total: 4, startsAtMs: 0, perBuyerLimit: 0, holdMs: 60_000, kind: "product" });
  const cart = createCartStock(f.redis, { prefix: f.prefix });
  const lines = [{ productId: "p1", quantity: 2 }, { productId: "p2", quantity: 3 }, { productId: "p3", quantity: 1 }];
  const before = Date.now();
  const held = await cart.reserveLines({ orderId: "o1", buyerId: "b1", lines });
  t.equal(held.status, "HELD");
  if (held.status === "HELD") t.ok(held.holdExpiresAt >= before + 60_000 - 1_000 && held.holdExpiresAt < before + HOUR - 60_000, "the earliest line's expiry");
  t.same(await availableOf(f, ["p1", "p2", "p3"]), { p1: 3, p2: 0, p3: 3 });
  t.same(await cart.reserveLines({ orderId: "o1", buyerId: "b1", lines }), held, "a replay answers the same");
  t.same(await availableOf(f, ["p1", "p2", "p3"]), { p1: 3, p2: 0, p3: 3 }, "nothing held twice");
  t.same(await cart.available(["p1", "p2", "never"]), new Map([["p1", 3], ["p2", 0], ["never", null]]));
  for (const p of ["p1", "p2", "p3"]) await f.assertInvariant(p);

  await cart.releaseLines("o1", ["p1", "p2", "p3"]);
  await cart.releaseLines("o1", ["p1", "p2", "p3"]);
  t.same(await availableOf(f, ["p1", "p2", "p3"]), { p1: 5, p2: 3, p3: 4 }, "releaseLines returns every line, once");
  t.equal((await f.events("p1")).filter((e) => e["type"] === "released").length, 1);
  await t.rejects(cart.reserveLines({ orderId: "o2", buyerId: "b1", lines: [] }), RangeError);
  await t.rejects(cart.reserveLines({ orderId: "o2", buyerId: "b1", lines: [lines[0]!, lines[0]!] }), RangeError);
});

t.test("all or nothing: the second of three lines sold out holds nothing, every product as before", async (t) => {
  const f = stockFixture(t);
  await products(f, { a: 5, b: 1, c: 5 });
  const cart = createCartStock(f.redis, { prefix: f.prefix });
  t.match(await f.store.reserve({ dropId: "b", orderId: "other", buyerId: "x", qty: 1 }), { status: "HELD" });
  const start = await availableOf(f, ["a", "b", "c"]);
  const lines = [{ productId: "a", quantity: 2 }, { productId: "b", quantity: 1 }, { productId: "c", quantity: 2 }];
  t.same(await cart.reserveLines({ orderId: "o1", buyerId: "b1", lines }), { status: "UNAVAILABLE", productId: "b", available: 0 });
  t.same(await availableOf(f, ["a", "b", "c"]), start, "every product's available as before");
  t.same((await f.events("a")).map((e) => [e["type"], e["orderId"], e["reason"]]), [["opened", "", undefined], ["reserved", "o1", undefined], ["released", "o1", "ORDER_CANCELLED"]]);
  t.same((await f.events("c")).map((e) => e["type"]), ["opened"], "the lines after the failure were never reserved");
  t.same(await cart.reserveLines({ orderId: "o2", buyerId: "b1", lines: [{ productId: "a", quantity: 6 }] }), { status: "UNAVAILABLE", productId: "a", available: 5 });

  // A previous attempt of the same order held a line past this attempt's failure: released too.
  t.match(await f.store.reserve({ dropId: "c", orderId: "o3", buyerId: "b1", qty: 2 }), { status: "HELD" });
  t.same(await cart.reserveLines({ orderId: "o3", buyerId: "b1", lines }), { status: "UNAVAILABLE", productId: "b", available: 0 });
  t.same(await availableOf(f, ["a", "b", "c"]), start, "the earlier attempt's line is back as well");

  t.same(await cart.reserveLines({ orderId: "o4", buyerId: "b1", lines: [{ productId: "a", quantity: 1 }, { productId: "never", quantity: 1 }] }), { status: "UNAVAILABLE", productId: "never", available: 0 }, "stock never set");
  await f.store.setStatus("c", "paused");
  t.same(await cart.reserveLines({ orderId: "o5", buyerId: "b1", lines: [{ productId: "c", quantity: 1 }] }), { status: "UNAVAILABLE", productId: "c", available: 0 }, "paused");
  t.same(await availableOf(f, ["a", "b", "c"]), start);
  for (const p of ["a", "b", "c"]) await f.assertInvariant(p);
});

t.test("two checkouts race for the last unit of one product: exactly one holds it, the loser's other lines come back", async (t) => {
  const f = stockFixture(t);
  await products(f, { last: 1, y: 10, z: 10 });
  const conns = [createRedis(testEnv.redisUrl), createRedis(testEnv.redisUrl)];
  t.teardown(() => Promise.all(conns.map((c) => c.quit())));
  const [ca, cb] = conns.map((c) => createCartStock(c, { prefix: f.prefix }));
  for (let round = 0; round < 10; round++) {
    const [a, b] = await Promise.all([
      ca!.reserveLines({ orderId: `a${round}`, buyerId: "ba", lines: [{ productId: "y", quantity: 2 }, { productId: "last", quantity: 1 }] }),
      cb!.reserveLines({ orderId: `b${round}`, buyerId: "bb", lines: [{ productId: "z", quantity: 3 }, { productId: "last", quantity: 1 }] }),
    ]);
    const outcomes = [a, b].map((o) => o.status).sort();
    t.same(outcomes, ["HELD", "UNAVAILABLE"], `round ${round}: exactly one winner`);
    const winner = a.status === "HELD" ? { order: `a${round}`, product: "y", qty: 2 } : { order: `b${round}`, product: "z", qty: 3 };
    const loser = a.status === "HELD" ? "z" : "y";
    t.same(await availableOf(f, ["last", winner.product, loser]), { last: 0, [winner.product]: 10 - winner.qty, [loser]: 10 }, "the loser's line is back at once");
    t.match(a.status === "HELD" ? b : a, { status: "UNAVAILABLE", productId: "last", available: 0 });
    await ca!.releaseLines(winner.order, ["last", winner.product]);
  }
  for (const p of ["last", "y", "z"]) await f.assertInvariant(p);
});

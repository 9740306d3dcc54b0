import t from "tap";
import { stockFixture, HOUR } from "../../stock-fixture.ts";

const NOW = 1_000_000;

t.test("100 concurrent reserves for 1 unit: exactly 1 HELD, 99 SOLD_OUT", async (t) => {
  const f = stockFixture(t);
  const clients = [f.store, f.client(), f.client(), f.client()];
  await f.store.openDrop({ dropId: "one", total: 1, startsAtMs: NOW, perBuyerLimit: 1, holdMs: HOUR });
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      clients[i % clients.length]!.reserve({ dropId: "one", orderId: `o${i}`, buyerId: `b${i}`, qty: 1, nowMs: NOW }),
    ),
  );
  const count = (s: string) => results.filter((r) => r.status === s).length;
  t.equal(count("HELD"), 1, "one winner");
  t.equal(count("SOLD_OUT"), 99, "99 sold out");
  t.same(await f.store.snapshot("one"), { status: "open", total: 1, adjustments: 0, available: 0, held: 1, sold: 0 });
  t.equal((await f.events("one")).filter((e) => e.type === "reserved").length, 1, "one reserved event");
  await f.assertInvariant("one");
});

t.test("500 concurrent reserves (distinct buyers, limit 1) for 100 units: exactly 100 HELD", async (t) => {
  const f = stockFixture(t);
  const clients = [f.store, f.client(), f.client(), f.client(), f.client()];
  await f.store.openDrop({ dropId: "hundred", total: 100, startsAtMs: NOW, perBuyerLimit: 1, holdMs: HOUR });
  const results = await Promise.all(
    Array.from({ length: 500 }, (_, i) =>
      clients[i % clients.length]!.reserve({ dropId: "hundred", orderId: `o${i}`, buyerId: `b${i}`, qty: 1, nowMs: NOW + i }),
    ),
  );
  const held = results.filter((r) => r.status === "HELD");
  t.equal(held.length, 100, "100 winners");
  t.equal(results.filter((r) => r.status === "SOLD_OUT").length, 400, "400 sold out");
  t.equal(new Set(held.map((r) => r.orderId)).size, 100, "distinct orders");
  const snap = await f.store.snapshot("hundred");
  t.same(snap, { status: "open", total: 100, adjustments: 0, available: 0, held: 100, sold: 0 });
  const events = await f.events("hundred");
  const reserved = events.filter((e) => e.type === "reserved");
  t.equal(reserved.length, 100, "exactly 100 reserve entries in the stream");
  t.same(new Set(reserved.map((e) => e.orderId)), new Set(held.map((r) => r.orderId)), "one event per winning order");
  t.same(reserved.map((e) => Number(e.available)), Array.from({ length: 100 }, (_, i) => 99 - i), "available after, in stream order");
  t.equal(events.length, 101, "plus the opened event, nothing else");
  await f.assertInvariant("hundred");
});

t.test("a buyer racing itself with limit 2 gets at most 2 units", async (t) => {
  const f = stockFixture(t);
  const other = f.client();
  await f.store.openDrop({ dropId: "lim", total: 50, startsAtMs: NOW, perBuyerLimit: 2, holdMs: HOUR });
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => (i % 2 ? other : f.store).reserve({ dropId: "lim", orderId: `o${i}`, buyerId: "greedy", qty: 1, nowMs: NOW })),
  );
  t.equal(results.filter((r) => r.status === "HELD").length, 2);
  t.equal(results.filter((r) => r.status === "LIMIT_REACHED").length, 38);
  await f.assertInvariant("lim");
});

import t from "tap";
import { dropKeys } from "../../../src/store/stock/keys.ts";
import { stockFixture, HOUR } from "../../stock-fixture.ts";

const START = 5_000_000;

/** Everything a rejection must leave untouched. */
async function state(f: ReturnType<typeof stockFixture>, dropId: string) {
  const k = dropKeys(dropId, f.prefix);
  return {
    meta: await f.redis.hgetall(k.meta),
    buyers: await f.redis.hgetall(k.buyers),
    holds: await f.redis.hgetall(k.holds),
    expiry: await f.redis.zrange(k.expiry, 0, -1, "WITHSCORES"),
    events: await f.redis.xlen(k.events),
  };
}

t.test("same orderId twice: same hold, counters changed once", async (t) => {
  const f = stockFixture(t);
  await f.store.openDrop({ dropId: "d", total: 10, startsAtMs: START, perBuyerLimit: 3, holdMs: 60_000 });
  const first = await f.store.reserve({ dropId: "d", orderId: "o1", buyerId: "b1", qty: 2, nowMs: START, fingerprint: "abc" });
  t.same(first, { status: "HELD", orderId: "o1", qty: 2, holdExpiresAtMs: START + 60_000, available: 8, replay: false, fingerprint: "abc" });
  const before = await state(f, "d");
  const again = await f.store.reserve({ dropId: "d", orderId: "o1", buyerId: "b1", qty: 2, nowMs: START + 5_000, fingerprint: "zzz" });
  t.same(again, { ...first, replay: true }, "same hold, same expiry, original fingerprint");
  t.same(await state(f, "d"), before, "replay wrote nothing");
  t.same(await f.store.snapshot("d"), { status: "open", total: 10, adjustments: 0, available: 8, held: 2, sold: 0 });
  await f.assertInvariant("d");
});

t.test("rejections in order, and none writes anything", async (t) => {
  const f = stockFixture(t);
  const r = (over: Partial<Parameters<typeof f.store.reserve>[0]> = {}) =>
    f.store.reserve({ dropId: "d", orderId: "x", buyerId: "b1", qty: 1, nowMs: START, ...over });

  t.same(await r(), { status: "NOT_OPEN", startsAtMs: null }, "not loaded -> NOT_OPEN");
  t.equal(await f.redis.exists(...Object.values(dropKeys("d", f.prefix))), 0, "not loaded: no keys created");

  await f.store.openDrop({ dropId: "d", total: 1, startsAtMs: START, perBuyerLimit: 1, holdMs: HOUR });
  const base = await state(f, "d");
  t.same(await r({ nowMs: START - 1 }), { status: "NOT_OPEN", startsAtMs: START }, "before startsAt -> NOT_OPEN");
  t.same(await r({ qty: 2 }), { status: "LIMIT_REACHED", taken: 0, perBuyerLimit: 1 }, "qty over the limit");
  t.same(await state(f, "d"), base, "NOT_OPEN / LIMIT_REACHED wrote nothing");

  t.equal((await r({ orderId: "win" })).status, "HELD");
  const afterWin = await state(f, "d");
  t.same(await r({ orderId: "second" }), { status: "LIMIT_REACHED", taken: 1, perBuyerLimit: 1 }, "second unit for the buyer");
  t.same(await r({ orderId: "other", buyerId: "b2" }), { status: "SOLD_OUT", available: 0 });
  t.same(await state(f, "d"), afterWin, "LIMIT_REACHED / SOLD_OUT wrote nothing");

  t.same(await f.store.setStatus("d", "paused", START), { status: "CHANGED", previous: "open" });
  t.same(await f.store.setStatus("d", "paused", START), { status: "UNCHANGED" });
  const paused = await state(f, "d");
  t.same(await r({ orderId: "p", buyerId: "b3" }), { status: "PAUSED" });
  t.same(await r({ orderId: "p", buyerId: "b3", nowMs: START - 1 }), { status: "NOT_OPEN", startsAtMs: START }, "NOT_OPEN is checked before PAUSED");
  t.same(await state(f, "d"), paused, "PAUSED wrote nothing");
  t.equal((await r({ orderId: "win" })).status, "HELD", "replay of an existing hold is answered even while paused");

  await f.store.setStatus("d", "closed", START);
  t.same(await r({ orderId: "c", buyerId: "b4" }), { status: "CLOSED" });
  t.same((await f.events("d")).map((e) => e.type), ["opened", "reserved", "status", "status"], "only changes are in the stream");
  t.same(await f.store.setStatus("nope", "open"), { status: "NOT_LOADED" });
  await f.assertInvariant("d");
});

t.test("open-drop loads once, fenced", async (t) => {
  const f = stockFixture(t);
  const input = { dropId: "d", total: 5, startsAtMs: START, perBuyerLimit: 0, holdMs: 1000, fence: 7 };
  t.same(await f.store.openDrop(input), { status: "LOADED" });
  await f.store.reserve({ dropId: "d", orderId: "o", buyerId: "b", qty: 4, nowMs: START });
  t.same(await f.store.openDrop({ ...input, total: 99 }), { status: "ALREADY", dropStatus: "open", fence: 7 }, "does not reload counters");
  t.same(await f.store.openDrop({ ...input, fence: 6 }), { status: "STALE_FENCE", fence: 7 });
  t.same(await f.store.snapshot("d"), { status: "open", total: 5, adjustments: 0, available: 1, held: 4, sold: 0 });
  t.same(await f.store.dropIds(), ["d"]);
  t.equal(await f.store.snapshot("missing"), null);
  const [opened] = await f.events("d");
  t.match(opened, { v: "1", type: "opened", dropId: "d", qty: "5", available: "5", held: "0", sold: "0", status: "open" });
  await f.assertInvariant("d");
});

t.test("perBuyerLimit 0 means no limit; bad input is refused before Redis", async (t) => {
  const f = stockFixture(t);
  await f.store.openDrop({ dropId: "d", total: 5, startsAtMs: START, perBuyerLimit: 0, holdMs: 1000 });
  t.equal((await f.store.reserve({ dropId: "d", orderId: "a", buyerId: "b", qty: 5, nowMs: START })).status, "HELD");
  await t.rejects(f.store.reserve({ dropId: "d", orderId: "z", buyerId: "b", qty: 0 }), RangeError);
  await t.rejects(f.store.reserve({ dropId: "d", orderId: "z", buyerId: "b", qty: 1, fingerprint: "no spaces" }), TypeError);
  await t.rejects(f.store.reserve({ dropId: "bad}id", orderId: "z", buyerId: "b", qty: 1 }), TypeError);
  await f.assertInvariant("d");
});

t.test("without nowMs the scripts use Redis time", async (t) => {
  const f = stockFixture(t);
  await f.store.openDrop({ dropId: "d", total: 1, startsAtMs: 0, perBuyerLimit: 1, holdMs: 10_000 });
  const before = Date.now();
  const r = await f.store.reserve({ dropId: "d", orderId: "o", buyerId: "b", qty: 1 });
  t.equal(r.status, "HELD");
  if (r.status === "HELD") t.ok(Math.abs(r.holdExpiresAtMs - (before + 10_000)) < 5_000, "expiry from the server clock");
});

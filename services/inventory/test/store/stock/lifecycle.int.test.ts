import t from "tap";
import { stockFixture, HOUR } from "../../stock-fixture.ts";

const NOW = 9_000_000;

t.test("confirm: hold -> sold, idempotent; release after confirm is refused", async (t) => {
  const f = stockFixture(t);
  await f.store.openDrop({ dropId: "d", total: 3, startsAtMs: 0, perBuyerLimit: 2, holdMs: HOUR });
  await f.store.reserve({ dropId: "d", orderId: "o1", buyerId: "b1", qty: 2, nowMs: NOW });
  const ref = { dropId: "d", orderId: "o1", nowMs: NOW + 1 };
  t.same(await f.store.confirm(ref), { status: "CONFIRMED", buyerId: "b1", qty: 2, replay: false });
  t.same(await f.store.confirm(ref), { status: "CONFIRMED", buyerId: "b1", qty: 2, replay: true });
  t.same(await f.store.snapshot("d"), { status: "open", total: 3, adjustments: 0, available: 1, held: 0, sold: 2 });
  t.same(await f.store.release(ref), { status: "NOT_HELD", state: "sold" }, "a sale is not released, it is refunded");
  t.same(await f.store.confirm({ dropId: "d", orderId: "nope" }), { status: "NOT_FOUND" });
  t.same((await f.events("d")).map((e) => e.type), ["opened", "reserved", "confirmed"]);
  t.equal(await f.redis.zcard(`${f.prefix}{drop:d}:expiry`), 0, "sold hold left the expiry zset");
  t.same(
    await f.store.reserve({ dropId: "d", orderId: "o1", buyerId: "b1", qty: 2, nowMs: NOW }),
    { status: "DUPLICATE", orderId: "o1", state: "sold", qty: 2, holdExpiresAtMs: NOW + HOUR, fingerprint: "" },
    "reserve replay of a sold order",
  );
  await f.assertInvariant("d");
});

t.test("release: hold -> available, idempotent, buyer may buy again; confirm after release is GONE", async (t) => {
  const f = stockFixture(t);
  await f.store.openDrop({ dropId: "d", total: 1, startsAtMs: 0, perBuyerLimit: 1, holdMs: HOUR });
  await f.store.reserve({ dropId: "d", orderId: "o1", buyerId: "b1", qty: 1, nowMs: NOW });
  const ref = { dropId: "d", orderId: "o1", nowMs: NOW + 1 };
  t.same(await f.store.release(ref), { status: "RELEASED", buyerId: "b1", qty: 1, replay: false, state: "released" });
  t.same(await f.store.release(ref), { status: "RELEASED", buyerId: "b1", qty: 1, replay: true, state: "released" });
  t.same(await f.store.snapshot("d"), { status: "open", total: 1, adjustments: 0, available: 1, held: 0, sold: 0 }, "unit returned once");
  t.same(await f.store.confirm(ref), { status: "GONE", state: "released" }, "saga must refund");
  const again = await f.store.reserve({ dropId: "d", orderId: "o2", buyerId: "b1", qty: 1, nowMs: NOW + 2 });
  t.equal(again.status, "HELD", "buyer's count went back down");
  const ev = await f.events("d");
  t.same(ev.map((e) => e.type), ["opened", "reserved", "released", "reserved"]);
  t.match(ev[2], { v: "1", type: "released", dropId: "d", orderId: "o1", buyerId: "b1", qty: "1", available: "1", held: "0", sold: "0", at: String(NOW + 1) });
  await f.assertInvariant("d");
});

t.test("release of an order that never reserved leaves a void tombstone; a late reserve cannot hold", async (t) => {
  const f = stockFixture(t);
  await f.store.openDrop({ dropId: "d", total: 1, startsAtMs: 0, perBuyerLimit: 1, holdMs: HOUR });
  const ref = { dropId: "d", orderId: "late", nowMs: NOW };
  t.same(await f.store.release(ref), { status: "VOIDED" });
  t.same(await f.store.release(ref), { status: "RELEASED", buyerId: "", qty: 0, replay: true, state: "void" });
  t.same(await f.store.reserve({ dropId: "d", orderId: "late", buyerId: "b1", qty: 1, nowMs: NOW }), {
    status: "DUPLICATE", orderId: "late", state: "void", qty: 0, holdExpiresAtMs: 0, fingerprint: "",
  });
  t.same(await f.store.snapshot("d"), { status: "open", total: 1, adjustments: 0, available: 1, held: 0, sold: 0 });
  t.same((await f.events("d")).map((e) => e.type), ["opened"], "no stock change, no event");
  await f.assertInvariant("d");
});

t.test("refund (release-sold): sold -> available, idempotent; only for sales", async (t) => {
  const f = stockFixture(t);
  await f.store.openDrop({ dropId: "d", total: 2, startsAtMs: 0, perBuyerLimit: 1, holdMs: HOUR });
  await f.store.reserve({ dropId: "d", orderId: "o1", buyerId: "b1", qty: 1, nowMs: NOW });
  const ref = { dropId: "d", orderId: "o1", nowMs: NOW + 1 };
  t.same(await f.store.refund(ref), { status: "NOT_SOLD", state: "held" }, "a hold is released, not refunded");
  await f.store.confirm(ref);
  t.same(await f.store.refund(ref), { status: "REFUNDED", buyerId: "b1", qty: 1, replay: false });
  t.same(await f.store.refund(ref), { status: "REFUNDED", buyerId: "b1", qty: 1, replay: true });
  t.same(await f.store.refund({ dropId: "d", orderId: "x" }), { status: "NOT_FOUND" });
  t.same(await f.store.release(ref), { status: "NOT_HELD", state: "refunded" });
  t.same(await f.store.confirm(ref), { status: "GONE", state: "refunded" });
  t.same(await f.store.snapshot("d"), { status: "open", total: 2, adjustments: 0, available: 2, held: 0, sold: 0 });
  t.equal((await f.store.reserve({ dropId: "d", orderId: "o2", buyerId: "b1", qty: 1, nowMs: NOW })).status, "HELD", "buyer may buy again");
  t.same((await f.events("d")).map((e) => e.type), ["opened", "reserved", "confirmed", "refunded", "reserved"]);
  await f.assertInvariant("d");
});

t.test("concurrent confirm and release of one hold: exactly one wins", async (t) => {
  const f = stockFixture(t);
  const other = f.client();
  await f.store.openDrop({ dropId: "d", total: 50, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  for (let i = 0; i < 50; i++) await f.store.reserve({ dropId: "d", orderId: `o${i}`, buyerId: `b${i}`, qty: 1, nowMs: NOW });
  const pairs = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      Promise.all([f.store.confirm({ dropId: "d", orderId: `o${i}` }), other.release({ dropId: "d", orderId: `o${i}` })]),
    ),
  );
  const problems = pairs.flatMap(([c, r], i) => {
    const confirmed = c.status === "CONFIRMED" && !c.replay;
    const released = r.status === "RELEASED" && !r.replay;
    return confirmed !== released ? [] : [`o${i}: confirm ${JSON.stringify(c)}, release ${JSON.stringify(r)}`];
  });
  t.same(problems, [], "for each hold, one of confirm / release took effect");
  const snap = (await f.store.snapshot("d"))!;
  t.equal(snap.held, 0);
  t.equal((await f.events("d")).length, 1 + 50 + 50, "opened, 50 reserved, then one event per confirm-or-release");
  await f.assertInvariant("d");
});

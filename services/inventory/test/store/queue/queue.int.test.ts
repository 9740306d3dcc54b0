import t, { type Test } from "tap";
import { fairOrder, FAIR_ORDER_ALGORITHM } from "../../../src/domain/fair-order.ts";
import { createAdmitterStore, createQueueStore } from "../../../src/store/queue/queue-store.ts";
import { queueKeys } from "../../../src/store/queue/keys.ts";
import { stockFixture, HOUR } from "../../stock-fixture.ts";

const START = 5_000_000;
const SEED = "ab".repeat(32);
const buyer = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
const receipt = (i: number) => `r-${i}`;

function queueFixture(t: Test, units = 10, perBuyerLimit = 1) {
  const f = stockFixture(t);
  const queue = createQueueStore(f.redis, { prefix: f.prefix });
  const admitter = createAdmitterStore(f.redis, { prefix: f.prefix });
  return {
    ...f,
    queue,
    admitter,
    async setUp(rate = 5) {
      t.equal(await admitter.configure("d", { admitPerSecond: rate, startsAtMs: START, seed: SEED }), "CONFIGURED");
      await f.store.openDrop({ dropId: "d", total: units, startsAtMs: START, perBuyerLimit, holdMs: HOUR });
    },
    async draw(fence = 1, nowMs = START) {
      const early = await admitter.earlyJoiners("d");
      return admitter.shuffle("d", { fence, algorithm: FAIR_ORDER_ALGORITHM, ordered: fairOrder(SEED, early).map((j) => j.buyerId), nowMs });
    },
  };
}

t.test("early joiners are drawn by the seeded order at opening; later ones FIFO at the back", async (t) => {
  const f = queueFixture(t);
  await f.setUp();
  t.same(await f.queue.join("d", buyer(1), "bad receipt!", START - 1).catch((e: Error) => e.name), "TypeError", "receipt checked before Redis");
  for (let i = 1; i <= 8; i++) {
    const j = await f.queue.join("d", buyer(i), receipt(i), START - 1000 + i);
    t.same(j, { status: "JOINED", created: true, place: { status: "waiting", position: null, receipt: receipt(i) } }, `early joiner ${i}: not drawn yet`);
  }
  const again = await f.queue.join("d", buyer(3), "other", START - 10);
  t.same(again, { status: "JOINED", created: false, place: { status: "waiting", position: null, receipt: receipt(3) } }, "joining again: same place and receipt");
  t.same(await f.queue.fairness("d"), null, "no fairness before the draw");
  t.same(await f.draw(1, START - 1), { status: "NOT_YET", startsAtMs: START });

  // a late joiner between the opening and the draw is counted behind every early joiner
  const late = await f.queue.join("d", buyer(9), receipt(9), START + 1);
  t.same(late.status === "JOINED" && late.place.position, 9, "late joiner before the draw: behind the 8 early ones");

  t.same(await f.draw(1, START + 2), { status: "SHUFFLED", count: 8 });
  t.same(await f.draw(1, START + 3), { status: "ALREADY" }, "drawn once");
  const expected = fairOrder(SEED, [1, 2, 3, 4, 5, 6, 7, 8].map((i) => ({ i, receipt: receipt(i) }))).map((x) => x.i);
  const positions: number[] = [];
  for (let i = 1; i <= 8; i++) {
    const p = await f.queue.place("d", buyer(i), { nowMs: START + 4 });
    positions[i] = p.status === "MEMBER" ? (p.place.position ?? -1) : -1;
  }
  t.same(expected.map((i) => positions[i]), [1, 2, 3, 4, 5, 6, 7, 8], "places follow HMAC-SHA256(seed, receipt)");
  t.notSame(expected, [1, 2, 3, 4, 5, 6, 7, 8], "not the arrival order (for this seed)");
  await f.queue.join("d", buyer(10), receipt(10), START + 5);
  const p10 = await f.queue.place("d", buyer(10));
  t.same(p10.status === "MEMBER" && p10.place.position, 10, "after the draw: FIFO at the back");
  const fair = await f.queue.fairness("d");
  t.same(fair, { seed: SEED, algorithm: FAIR_ORDER_ALGORITHM, joinedBeforeOpening: [1, 2, 3, 4, 5, 6, 7, 8].map(receipt) }, "seed published, receipts in join order");
});

t.test("a leave between reading the early joiners and the draw makes the draw read again", async (t) => {
  const f = queueFixture(t);
  await f.setUp();
  for (let i = 1; i <= 3; i++) await f.queue.join("d", buyer(i), receipt(i), START - 10);
  const early = await f.admitter.earlyJoiners("d");
  t.ok(await f.queue.leave("d", buyer(2)), "left");
  t.same(await f.admitter.shuffle("d", { fence: 1, algorithm: "x", ordered: early.map((e) => e.buyerId), nowMs: START }), { status: "CHANGED" });
  t.same(await f.draw(1, START), { status: "SHUFFLED", count: 2 });
  t.same((await f.queue.fairness("d"))?.joinedBeforeOpening, [receipt(1), receipt(3)]);
});

t.test("admission: at the rate, stock-aware, tokens spent by HELD and SOLD_OUT, LIMIT_REACHED keeps them", async (t) => {
  const f = queueFixture(t, 3, 1);
  await f.setUp(2);
  for (let i = 1; i <= 6; i++) await f.queue.join("d", buyer(i), receipt(i), START - 10);
  t.same(await f.admitter.admit("d", { fence: 1, ttlMs: 10_000, max: 100, nowMs: START }), { status: "NOT_SHUFFLED" });
  await f.draw(1, START);
  const order = fairOrder(SEED, [1, 2, 3, 4, 5, 6].map((i) => ({ i, receipt: receipt(i) }))).map((x) => buyer(x.i));
  const tick = (nowMs: number, fence = 1) => f.admitter.admit("d", { fence, ttlMs: 10_000, max: 100, nowMs });
  t.same(await tick(START), { status: "TICKED", admitted: 0, expired: 0, dropped: 0, room: 3, waiting: 6 }, "no credit at the opening instant");
  t.same(await tick(START + 500), { status: "TICKED", admitted: 1, expired: 0, dropped: 0, room: 2, waiting: 5 }, "2/s: one after 500 ms");
  t.same(await tick(START + 5000), { status: "TICKED", admitted: 2, expired: 0, dropped: 0, room: 0, waiting: 3 }, "burst capped at one second; room 0 stops it");
  t.same(await tick(START + 5000, 0), { status: "STALE_FENCE", fence: 1 }, "an older admitter is refused");

  const first = await f.queue.place("d", order[0]!, { nowMs: START + 5000 });
  t.equal(first.status === "MEMBER" && first.place.status, "admitted");
  const admissionId = first.status === "MEMBER" ? first.place.admission!.admissionId : "";
  const waiting = await f.queue.place("d", order[3]!, { nowMs: START + 5000 });
  t.same(waiting.status === "MEMBER" && [waiting.place.status, waiting.place.position], ["sold_out", 1], "room 0: the waiting see sold_out, keeping their place");

  const reserve = (b: string, a: string, orderId: string, qty = 1, nowMs = START + 5001) =>
    f.queue.reserveAdmitted({ dropId: "d", orderId, buyerId: b, qty, admissionId: a, nowMs });
  t.same(await reserve(order[0]!, "999", "o1"), { status: "ADMISSION_INVALID", reason: "unknown" }, "another admission id");
  t.same(await reserve(order[1]!, admissionId, "o1"), { status: "ADMISSION_INVALID", reason: "unknown" }, "another buyer's admission");
  t.same(await reserve(order[0]!, admissionId, "o1", 2), { status: "LIMIT_REACHED", taken: 0, perBuyerLimit: 1 }, "more than the admission's units: unspent");
  const held = await reserve(order[0]!, admissionId, "o1");
  t.equal(held.status, "HELD");
  t.same((await reserve(order[0]!, admissionId, "o1")).status, "HELD", "a replay of the same order answers its hold");
  t.same(await reserve(order[0]!, admissionId, "o2"), { status: "ADMISSION_INVALID", reason: "used" }, "single use");
  const spent = await f.queue.place("d", order[0]!);
  t.same(spent.status === "MEMBER" && [spent.place.status, spent.place.orderId], ["admitted", "o1"]);

  const second = await f.queue.place("d", order[1]!, { nowMs: START + 5000 });
  const a2 = second.status === "MEMBER" ? second.place.admission!.admissionId : "";
  t.same(await reserve(order[1]!, a2, "o3", 1, START + 15_001), { status: "ADMISSION_INVALID", reason: "expired" }, "expired");
  t.same(await tick(START + 15_001), { status: "TICKED", admitted: 2, expired: 2, dropped: 0, room: 0, waiting: 1 }, "expired admissions free their units: admitting resumes in the same tick");

  // a withdrawal below the outstanding units: the admitted buyer's purchase is SOLD_OUT and spends the token
  await f.redis.hset(`${f.prefix}{drop:d}:meta`, "available", 0);
  const third = await f.queue.place("d", order[3]!, { nowMs: START + 15_002 });
  const a3 = third.status === "MEMBER" ? third.place.admission!.admissionId : "";
  t.same(await reserve(order[3]!, a3, "o4", 1, START + 15_601), { status: "SOLD_OUT", available: 0 });
  t.same(await reserve(order[3]!, a3, "o4", 1, START + 15_602), { status: "SOLD_OUT", available: 0 }, "its replay: SOLD_OUT again");
  t.same(await reserve(order[3]!, a3, "o5", 1, START + 15_602), { status: "ADMISSION_INVALID", reason: "used" });
  t.equal(await f.redis.hget(queueKeys("d", f.prefix).queue, "outstanding"), "1", "only the other admitted buyer's unit is outstanding");
});

t.test("leave frees the place at once; an abandoned place is dropped after its deadline", async (t) => {
  const f = queueFixture(t, 10, 2);
  await f.setUp(1);
  await f.draw(1, START);
  for (let i = 1; i <= 3; i++) await f.queue.join("d", buyer(i), receipt(i), START + i);
  t.ok(await f.queue.leave("d", buyer(1)));
  t.notOk(await f.queue.leave("d", buyer(1)), "leaving twice: nothing to free");
  const p2 = await f.queue.place("d", buyer(2));
  t.same(p2.status === "MEMBER" && p2.place.position, 1, "the next moved up at once");
  t.ok(await f.queue.away("d", buyer(2), START + 100));
  t.ok(await f.queue.away("d", buyer(3), START + 100));
  await f.queue.place("d", buyer(3), { present: true });
  const r = await f.admitter.admit("d", { fence: 1, ttlMs: 10_000, max: 100, nowMs: START + 200 });
  t.same(r.status === "TICKED" && [r.dropped, r.admitted], [1, 0], "buyer 2 dropped (away past the deadline); buyer 3 came back");
  const gone = await f.queue.place("d", buyer(2));
  t.same(gone.status === "MEMBER" && gone.place.status, "expired");
  const back = await f.queue.join("d", buyer(2), "again", START + 300);
  t.same(back.status === "JOINED" && [back.created, back.place.position, back.place.receipt], [true, 2, "again"], "a new place at the back");
  const r2 = await f.admitter.admit("d", { fence: 1, ttlMs: 10_000, max: 100, nowMs: START + 1300 });
  t.same(r2.status === "TICKED" && r2.admitted, 1);
  const a3 = await f.queue.place("d", buyer(3), { nowMs: START + 1301 });
  t.same(a3.status === "MEMBER" && a3.place.admission?.expiresAtMs, START + 1300 + 10_000, "admitted for the TTL");
  t.ok(await f.queue.leave("d", buyer(3)), "an admitted buyer leaves");
  t.equal(await f.redis.hget(queueKeys("d", f.prefix).queue, "outstanding"), "0", "its units are back in the room at once");
});

t.test("a drop without a waiting room", async (t) => {
  const f = queueFixture(t);
  t.same(await f.queue.join("x", buyer(1), receipt(1)), { status: "NOT_QUEUED" });
  t.same(await f.queue.place("x", buyer(1)), { status: "NOT_QUEUED" });
  await f.setUp();
  t.same(await f.queue.place("d", buyer(1)), { status: "NONE" });
  t.equal(await f.admitter.configure("d", { admitPerSecond: 5, startsAtMs: START, seed: "cd".repeat(32) }), "SEED_FIXED", "the committed seed cannot change");
});

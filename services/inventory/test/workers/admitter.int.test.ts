import t from "tap";
import { createRedis } from "@drops/redis";
import { eventually, testEnv } from "@drops/testing";
import { stockFixture, HOUR } from "../stock-fixture.ts";
import { dbFixture } from "../db-fixture.ts";
import { lockerFactory } from "../lock-fixture.ts";
import { createAdmitter } from "../../src/workers/admitter.ts";
import { scheduleDrop } from "../../src/store/drops.ts";
import { createAdmitterStore, createQueueStore } from "../../src/store/queue/queue-store.ts";
import { fairOrder } from "../../src/domain/fair-order.ts";

t.setTimeout(60_000);

const SEED = "5eed".repeat(16);
const buyer = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

t.test("two admitters: one active, the early joiners drawn by the seed, admitted at the rate, none past the stock", async (t) => {
  const f = stockFixture(t);
  const { pool } = await dbFixture(t);
  const newLocker = lockerFactory(t, f.prefix);
  const startsAtMs = Date.now() + 1_000;
  const rate = 5;
  await scheduleDrop(pool, { dropId: "q", total: 6, startsAtMs, perBuyerLimit: 1, holdMs: HOUR, queue: { admitPerSecond: rate, seed: SEED } });
  const queue = createQueueStore(f.redis, { prefix: f.prefix });
  const conns = [0, 1].map(() => createRedis(testEnv.redisUrl));
  const admitters = conns.map((c) => createAdmitter({
    pool, queues: createAdmitterStore(c, { prefix: f.prefix }), locker: newLocker(), admissionTtlMs: 30_000, intervalMs: 20,
  }));
  t.teardown(async () => {
    await Promise.all(admitters.map((a) => a.stop()));
    await Promise.all(conns.map((c) => c.quit()));
  });
  // the first round configures the room (the inventory's schedule route does it too)
  await Promise.all(admitters.map((a) => a.runOnce()));
  t.same(admitters.map((a) => a.stats().leading.length).sort(), [0, 1], "exactly one admitter holds the drop's lock");

  for (let i = 1; i <= 12; i++) {
    const j = await queue.join("q", buyer(i), `receipt-${i}`);
    t.equal(j.status === "JOINED" && j.place.position, null, `early joiner ${i}: not drawn yet`);
  }
  await f.store.openDrop({ dropId: "q", total: 6, startsAtMs, perBuyerLimit: 1, holdMs: HOUR });
  for (const a of admitters) a.start();

  const places = async () => Promise.all([...Array(12).keys()].map(async (i) => {
    const p = await queue.place("q", buyer(i + 1));
    return p.status === "MEMBER" ? p.place : undefined;
  }));
  await eventually(async () => (await places()).filter((p) => p?.status === "admitted").length === 6, 10_000, 50);
  const all = await places();
  const order = fairOrder(SEED, [...Array(12).keys()].map((i) => ({ i: i + 1, receipt: `receipt-${i + 1}` }))).map((x) => x.i);
  t.same(order.slice(0, 6).map((i) => all[i - 1]?.status), Array(6).fill("admitted"), "the first six of the seeded order are admitted");
  t.same(order.slice(6).map((i) => all[i - 1]?.status), Array(6).fill("sold_out"), "the rest see sold_out (6 units, 6 admitted)");
  t.same(order.slice(6).map((i) => all[i - 1]?.position), [1, 2, 3, 4, 5, 6], "keeping their places");

  const admittedAt = order.slice(0, 6).map((i) => all[i - 1]!.admission!.expiresAtMs - 30_000).sort((a, b) => a - b);
  const openedAt = Number(await f.redis.hget(`${f.prefix}{drop:q}:queue`, "openedAtMs"));
  for (const [k, at] of admittedAt.entries()) {
    t.ok(k + 1 <= Math.floor(((at - openedAt) * rate) / 1000) + 1e-9, `admission ${k + 1} at +${at - openedAt} ms: within ${rate}/s`);
  }
  const stats = admitters.map((a) => a.stats());
  t.equal(stats.reduce((n, s) => n + s.admitted, 0), 6, "six admissions in all, not twice as many");
  t.equal(stats.reduce((n, s) => n + s.shuffled, 0), 1, "drawn once");

  // the active one stops: the standby takes the lock and carries on (an admission expiring frees a unit)
  const active = admitters.findIndex((a) => a.stats().leading.length === 1);
  await admitters[active]!.stop();
  const first = order[0]!;
  await queue.leave("q", buyer(first));
  await eventually(async () => (await places()).filter((p) => p?.status === "admitted").length === 6, 10_000, 50);
  t.equal(admitters[1 - active]!.stats().leading.length, 1, "the standby took over");
  t.equal((await places())[order[6]! - 1]?.status, "admitted", "the next in line was admitted for the freed unit");
});

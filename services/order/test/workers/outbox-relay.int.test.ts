/** The outbox relay on real PostgreSQL + Kafka: two relays racing publish every row exactly once; a commit wakes it. */
import t from "tap";
import { createPool, inTransaction } from "@drops/db";
import { createProducer } from "@drops/kafka";
import { testEnvelope } from "@drops/kafka/testing";
import { eventually, uniqueName } from "@drops/testing";
import { appendOutbox } from "../../src/store/outbox.ts";
import { listenForOutbox } from "../../src/store/outbox-wakeup.ts";
import { relayOnce, startOutboxRelay } from "../../src/workers/outbox-relay.ts";
import { sagaKafka, testDatabase } from "../helpers.ts";

t.test("two relays racing publish each of 400 rows once, in order per key, and mark them published", async (t) => {
  const { db, pool } = await testDatabase(t, "outbox");
  const { kafka, topics, seen } = await sagaKafka(t, ["orders"]);

  const pools = [pool, createPool(db.url, { schema: db.schema })];
  const producers = [createProducer(kafka), createProducer(kafka)];
  t.teardown(async () => {
    await Promise.all(producers.map((p) => p.close()));
    await pools[1]!.end();
  });

  const N = 400;
  const ids: string[] = [];
  // Written in chunks while the relays already run, like saga steps committing under load.
  const relays = pools.map((p, i) => startOutboxRelay({ pool: p, producer: producers[i]!, batchSize: 25, pollMs: 5 }));
  t.teardown(() => Promise.all(relays.map((r) => r.stop())));
  // 40 orders with 10 events each; each event's detail is its sequence number within its order.
  const orderIds = Array.from({ length: 40 }, () => uniqueName("o"));
  for (let chunk = 0; chunk < N / 50; chunk++) {
    const rows = Array.from({ length: 50 }, (_, i) => {
      const n = chunk * 50 + i;
      const orderId = orderIds[n % 40]!;
      const event = testEnvelope("OrderCancelled", { orderId, dropId: "d", buyerId: "b", quantity: 1, reason: "OTHER", detail: String(Math.floor(n / 40)) });
      ids.push(event.eventId);
      return { topic: topics.orders, event };
    });
    await inTransaction(pool, (tx) => appendOutbox(tx, rows));
  }

  await eventually(async () => {
    const res = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL");
    return res.rows[0]!.n === 0;
  }, 30_000);
  await eventually(() => seen.length >= N, 30_000);
  await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show up
  const counts = new Map<string, number>();
  for (const e of seen) counts.set(e.eventId, (counts.get(e.eventId) ?? 0) + 1);
  t.equal(seen.length, N, "no duplicates on the topic");
  t.same([...counts.values()].filter((n) => n !== 1), [], "each event once");
  t.same([...counts.keys()].sort(), [...ids].sort(), "every row published");
  const outOfOrder = orderIds
    .map((orderId) => ({ orderId, details: seen.filter((e) => e.type === "OrderCancelled" && e.payload.orderId === orderId).map((e) => (e.payload as { detail: string }).detail).join() }))
    .filter((o) => o.details !== "0,1,2,3,4,5,6,7,8,9");
  t.same(outOfOrder, [], "each order's events arrived in the order they were written");
  t.ok(producers.every((p) => p.stats().sent > 0), `both relays published (${producers.map((p) => p.stats().sent).join(" + ")})`);
  t.equal(await relayOnce({ pool: pools[1]!, producer: producers[1]!, batchSize: 10 }), 0, "nothing left");
});

t.test("a failed publish leaves the rows unpublished for the next round", async (t) => {
  const { pool } = await testDatabase(t, "outbox");
  const event = testEnvelope("OrderCancelled", { orderId: "o-1", dropId: "d", buyerId: "b", quantity: 1, reason: "OTHER", detail: null });
  await inTransaction(pool, (tx) => appendOutbox(tx, [{ topic: "nowhere", event }]));
  const failing = { publishNow: async () => Promise.reject(new Error("broker down")) } as unknown as Parameters<typeof relayOnce>[0]["producer"];
  await t.rejects(relayOnce({ pool, producer: failing, batchSize: 10 }), /broker down/);
  const res = await pool.query("SELECT published_at FROM outbox");
  t.equal(res.rows[0].published_at, null);
});

t.test("a commit that writes the outbox wakes an idle relay at once (NOTIFY), long before its poll interval", async (t) => {
  const { db, pool } = await testDatabase(t, "outbox");
  const { kafka, topics, seen } = await sagaKafka(t, ["orders"]);
  const producer = createProducer(kafka, { lingerMs: 0 });
  const relay = startOutboxRelay({ pool, producer, batchSize: 10, pollMs: 60_000 });
  const woken: number[] = [];
  const wakeup = listenForOutbox({ url: db.url, schema: db.schema, onNotify: () => {
    woken.push(Date.now());
    relay.wake();
  } });
  t.teardown(async () => {
    await wakeup.close();
    await relay.stop();
    await producer.close();
  });
  await eventually(() => woken.length > 0, 5_000); // listening (it wakes once on connect)
  await new Promise((r) => setTimeout(r, 200)); // the relay is idle now, for 60 s
  const event = testEnvelope("OrderCancelled", { orderId: uniqueName("o"), dropId: "d", buyerId: "b", quantity: 1, reason: "OTHER", detail: null });
  const started = Date.now();
  await inTransaction(pool, (tx) => appendOutbox(tx, [{ topic: topics.orders, event }]));
  await eventually(() => seen.some((e) => e.eventId === event.eventId), 5_000, 5);
  const ms = Date.now() - started;
  t.ok(ms < 2_000, `published ${ms} ms after the commit`);
});

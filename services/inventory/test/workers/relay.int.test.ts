import t from "tap";
import { eventually } from "@drops/testing";
import type { DropsEvent, EventEnvelope, EventType } from "@drops/events";
import { createRedis } from "@drops/redis";
import { testEnv } from "@drops/testing";
import { collectEvents, testKafka, testPublisher, testTopics, type TestContext } from "@drops/kafka/testing";
import { stockFixture, HOUR } from "../stock-fixture.ts";
import { createStockRelay } from "../../src/workers/relay.ts";
import { dropKeys } from "../../src/store/stock/keys.ts";
import { relayEventId } from "../../src/domain/event-id.ts";

t.setTimeout(120_000);

/** Unique stand-ins for drops.inventory and drops.stock-changes, a publish like the service's, and what arrives there. */
async function kafkaTopics(t: TestContext): Promise<{ publish: (e: DropsEvent) => Promise<void>; seen: DropsEvent[] }> {
  const kafka = testKafka("inv_test");
  const topics = await testTopics(t, kafka, "inv", ["orders", "changes"]);
  const { producer } = testPublisher(t, kafka, { lingerMs: 2 });
  const seen = (await collectEvents(t, kafka, [topics.orders, topics.changes])).items;
  return { publish: (e) => producer.publish(e.type === "StockChanged" ? topics.changes : topics.orders, null, e), seen };
}

function byType<T extends EventType>(events: readonly DropsEvent[], type: T): EventEnvelope<T>[] {
  return events.filter((e) => e.type === type) as unknown as EventEnvelope<T>[];
}

t.test("reserve -> StockReserved on Kafka; confirm, release, expire follow; stream trimmed", async (t) => {
  const f = stockFixture(t);
  const k = await kafkaTopics(t);
  const seen = k.seen;
  const relay = createStockRelay({ redis: f.redis, publish: k.publish, prefix: f.prefix, blockMs: 50 });
  t.teardown(() => relay.stop());
  relay.start();

  const now = Date.now();
  t.equal((await f.store.openDrop({ dropId: "d1", total: 10, startsAtMs: now - 1000, perBuyerLimit: 0, holdMs: HOUR })).status, "LOADED");
  const held = await f.store.reserve({
    dropId: "d1", orderId: "o1", buyerId: "b1", qty: 2,
    purchase: { amountCents: 5000, currency: "EUR", paymentMethod: "pm_card_ok" },
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  });
  t.equal(held.status, "HELD");
  const reserved = await eventually(() => byType(seen, "StockReserved")[0], 30_000);
  t.match(reserved, {
    payload: { orderId: "o1", dropId: "d1", buyerId: "b1", quantity: 2, amountCents: 5000, currency: "EUR", paymentMethod: "pm_card_ok" },
    correlationId: "o1",
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  });
  t.equal(reserved.payload.dropId, "d1");

  await f.store.reserve({ dropId: "d1", orderId: "o2", buyerId: "b2", qty: 1 });
  await f.store.reserve({ dropId: "d1", orderId: "o3", buyerId: "b3", qty: 1 });
  await f.store.confirm({ dropId: "d1", orderId: "o1" });
  await f.store.release({ dropId: "d1", orderId: "o2", reason: "PAYMENT_FAILED" });
  t.same(await f.store.expireDue("d1", { nowMs: Date.now() + HOUR + 1000 }), ["o3"]);
  await eventually(() => byType(seen, "StockReleased").length === 2, 30_000);
  await eventually(() => byType(seen, "StockConfirmed").length === 1, 30_000);
  t.same(byType(seen, "StockReleased").map((e) => [e.payload.orderId, e.payload.reason]).sort(), [["o2", "PAYMENT_FAILED"], ["o3", "HOLD_EXPIRED"]]);
  const last = await eventually(() => {
    const c = byType(seen, "StockChanged").at(-1);
    return c && c.payload.available === 8 && c.payload.sold === 2 ? c : undefined;
  }, 30_000);
  t.match(last.payload, { dropId: "d1", available: 8, held: 0, sold: 2, total: 10, status: "OPEN" });
  const seqs = byType(seen, "StockChanged").map((e) => e.payload.seq);
  t.same(seqs, [...seqs].sort((a, b) => a - b), "snapshots in order");
  await eventually(async () => (await f.redis.xlen(dropKeys("d1", f.prefix).events)) === 0, 10_000);
  t.equal(relay.stats().malformed, 0);
});

t.test("a relay killed after publishing but before XACK: the next one re-publishes with the same ids, nothing lost", async (t) => {
  const f = stockFixture(t);
  const k = await kafkaTopics(t);
  const seen = k.seen;
  // Instance A: its own connections, publishes, then "dies" before acknowledging.
  const aConn = createRedis(testEnv.redisUrl);
  const aReader = createRedis(testEnv.redisUrl);
  let published!: () => void;
  const atAck = new Promise<void>((r) => (published = r));
  const a = createStockRelay({
    redis: aConn, reader: aReader, publish: k.publish, prefix: f.prefix, blockMs: 50, leaseMs: 1_500, consumer: "a",
    beforeAck: () => {
      published();
      return new Promise<void>(() => undefined); // never acknowledges
    },
  });
  a.start();
  const now = Date.now();
  await f.store.openDrop({ dropId: "d2", total: 5, startsAtMs: now - 1000, perBuyerLimit: 1, holdMs: HOUR });
  await f.store.reserve({ dropId: "d2", orderId: "k1", buyerId: "b1", qty: 1 });
  await atAck;
  // kill -9: connections gone, no lease released, entries pending on consumer "a"
  aConn.disconnect();
  aReader.disconnect();
  const stream = dropKeys("d2", f.prefix).events;
  const [pending] = (await f.redis.xpending(stream, "inventory-relay")) as [number];
  t.ok(pending >= 1, `entries pending on the dead consumer (${pending})`);

  await f.store.reserve({ dropId: "d2", orderId: "k2", buyerId: "b2", qty: 1 });
  const b = createStockRelay({ redis: f.redis, publish: k.publish, prefix: f.prefix, blockMs: 50, leaseMs: 1_500, consumer: "b" });
  t.teardown(() => b.stop());
  b.start();
  await eventually(() => new Set(byType(seen, "StockReserved").map((e) => e.payload.orderId)).size === 2, 30_000);
  await eventually(async () => (await f.redis.xlen(stream)) === 0, 10_000);
  t.ok(b.stats().reclaimed >= 1, "b reclaimed a's pending entries");
  const k1 = byType(seen, "StockReserved").filter((e) => e.payload.orderId === "k1");
  t.ok(k1.length >= 1, "k1 arrived");
  t.same(new Set(k1.map((e) => e.eventId)).size, 1, "a re-publish carries the same event id");
  const entryIds = new Set(seen.map((e) => e.eventId));
  t.ok(entryIds.has(k1[0]!.eventId));
  t.equal(k1[0]!.eventId.length, relayEventId("d2", "0-0", "StockReserved").length);
});

t.test("two relays share the drops, each drop's events in stream order", async (t) => {
  const f = stockFixture(t);
  const k = await kafkaTopics(t);
  const seen = k.seen;
  const r1 = createStockRelay({ redis: f.redis, publish: k.publish, prefix: f.prefix, blockMs: 50, consumer: "r1" });
  const r2conn = createRedis(testEnv.redisUrl);
  const r2 = createStockRelay({ redis: r2conn, publish: k.publish, prefix: f.prefix, blockMs: 50, consumer: "r2" });
  t.teardown(async () => {
    await r1.stop();
    await r2.stop();
    await r2conn.quit();
  });
  r1.start();
  r2.start();
  const now = Date.now();
  for (const d of ["x1", "x2", "x3", "x4"]) await f.store.openDrop({ dropId: d, total: 20, startsAtMs: now - 1000, perBuyerLimit: 0, holdMs: HOUR });
  for (let i = 0; i < 10; i++) {
    for (const d of ["x1", "x2", "x3", "x4"]) {
      await f.store.reserve({ dropId: d, orderId: `${d}-o${i}`, buyerId: `b${i}`, qty: 1 });
      if (i % 2 === 0) await f.store.release({ dropId: d, orderId: `${d}-o${i}` });
    }
  }
  await eventually(() => byType(seen, "StockReserved").length >= 40 && byType(seen, "StockReleased").length >= 20, 30_000);
  for (const d of ["x1", "x2", "x3", "x4"]) {
    const ids = new Set(byType(seen, "StockReserved").filter((e) => e.payload.dropId === d).map((e) => e.payload.orderId));
    t.equal(ids.size, 10, `${d}: every reservation relayed`);
  }
  t.equal(r1.stats().owned + r2.stats().owned, 4, "each drop owned by exactly one relay");
});

t.test("a relay stuck on a slow Kafka keeps its lease: no second publisher for the drop", async (t) => {
  const f = stockFixture(t);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const aPublished: string[] = [];
  const bPublished: string[] = [];
  const a = createStockRelay({ redis: f.redis, prefix: f.prefix, blockMs: 30, leaseMs: 1_500, consumer: "a", publish: async (e) => { await gate; aPublished.push(e.eventId); } });
  a.start();
  await f.store.openDrop({ dropId: "slow", total: 3, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  await f.store.reserve({ dropId: "slow", orderId: "s1", buyerId: "b", qty: 1 });
  await eventually(() => a.stats().owned === 1, 5_000);
  const bConn = createRedis(testEnv.redisUrl);
  const b = createStockRelay({ redis: bConn, prefix: f.prefix, blockMs: 30, leaseMs: 1_500, consumer: "b", publish: async (e) => void bPublished.push(e.eventId) });
  b.start();
  t.teardown(async () => {
    await b.stop();
    await bConn.quit();
  });
  await new Promise((r) => setTimeout(r, 3_500));
  t.equal(b.stats().owned, 0, "b never got the lease while a was stuck (more than twice the lease time)");
  t.same(bPublished, []);
  release();
  await eventually(async () => (await f.redis.xlen(dropKeys("slow", f.prefix).events)) === 0, 10_000);
  t.ok(aPublished.length >= 2, "a published once Kafka came back");
  await a.stop();
});

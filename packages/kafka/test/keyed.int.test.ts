// runConsumer with key-level parallelism on a real broker: one key's messages in order under
// concurrency, different keys at once, a poison message dead-lettered while the other keys go on,
// offsets committed to the end only once everything before was handled.
import { setTimeout as sleep } from "node:timers/promises";
import { eventually, uniqueName } from "@drops/testing";
import t from "tap";
import { collectMessages, runTestConsumer, testKafka, testPublisher, testTopic } from "../src/testing.ts";
import { stockChanged } from "./fixtures.ts";

t.setTimeout(120_000);

async function committed(kafka: ReturnType<typeof testKafka>, groupId: string, topic: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets!.partitions[0]!.offset;
  } finally {
    await admin.disconnect();
  }
}

t.test("different keys run concurrently (bounded), one key's messages strictly in order", async (t) => {
  const kafka = testKafka();
  const { topic } = await testTopic(t, kafka, "keyed", 1);
  const { producer, publish } = testPublisher(t, kafka);
  const drops = ["d-0", "d-1", "d-2", "d-3", "d-4", "d-5"];
  const events = Array.from({ length: 60 }, (_, i) => stockChanged(drops[i % drops.length], i));
  // One partition, published in this order (key = dropId).
  for (const e of events) await publish(topic, e);
  void producer;

  const seen = new Map<string, number[]>();
  let inFlight = 0;
  let maxInFlight = 0;
  const perKeyBusy = new Set<string>();
  let overlap = false;
  const groupId = uniqueName("keyed_group");
  const runner = await runTestConsumer(
    t,
    {
      kafka,
      groupId,
      topics: [topic],
      handlers: {
        StockChanged: async (e) => {
          const key = e.payload.dropId;
          if (perKeyBusy.has(key)) overlap = true;
          perKeyBusy.add(key);
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await sleep(5 + (e.payload.available % 4) * 5);
          seen.set(key, [...(seen.get(key) ?? []), e.payload.available]);
          inFlight--;
          perKeyBusy.delete(key);
        },
      },
    },
    { concurrency: 4 },
  );
  await eventually(() => runner.stats().handled === events.length, 60_000);
  t.equal(overlap, false, "never two messages of one key at once");
  t.ok(maxInFlight > 1 && maxInFlight <= 4, `different keys at once, within the bound (max ${maxInFlight})`);
  for (const [i, key] of drops.entries()) {
    t.same(seen.get(key), events.map((_, n) => n).filter((n) => n % drops.length === i), `${key} in order`);
  }
  await runner.stop();
  t.equal(await committed(kafka, groupId, topic), String(events.length), "committed to the end");
});

t.test("a poison message is retried and dead-lettered while the other keys proceed; its key's later messages wait for it", async (t) => {
  const kafka = testKafka();
  const { topic, dlq } = await testTopic(t, kafka, "keyedpoison", 1);
  const { publish } = testPublisher(t, kafka);
  const poison = stockChanged("d-poison", 999);
  const after = stockChanged("d-poison", 1000);
  const others = Array.from({ length: 20 }, (_, i) => stockChanged(`d-ok-${i % 5}`, i));
  await publish(topic, poison);
  for (const e of others.slice(0, 10)) await publish(topic, e);
  await publish(topic, after);
  for (const e of others.slice(10)) await publish(topic, e);

  const order: string[] = [];
  const groupId = uniqueName("keyedpoison_group");
  const { items: dead } = await collectMessages(t, kafka, dlq);
  const runner = await runTestConsumer(
    t,
    {
      kafka,
      groupId,
      topics: [topic],
      handlers: {
        StockChanged: async (e) => {
          if (e.eventId === poison.eventId) {
            await sleep(150);
            throw new Error("poison");
          }
          order.push(`${e.payload.dropId}:${e.payload.available}`);
        },
      },
    },
    { concurrency: 4 },
  );
  await eventually(() => dead.length === 1 && runner.stats().handled === others.length + 1, 60_000);
  const okHandled = order.filter((o) => o.startsWith("d-ok-")).length;
  const afterAt = order.indexOf("d-poison:1000");
  t.ok(afterAt >= 0, "the poison key's next message is handled after the dead letter");
  t.ok(order.slice(0, afterAt).filter((o) => o.startsWith("d-ok-")).length >= 15, `the other keys went on meanwhile (${okHandled} handled, most before the poison's key resumed)`);
  for (let k = 0; k < 5; k++) {
    const mine = order.filter((o) => o.startsWith(`d-ok-${k}:`)).map((o) => Number(o.split(":")[1]));
    t.same(mine, [...mine].sort((a, b) => a - b), `d-ok-${k} in order`);
  }
  t.same(runner.stats(), { handled: others.length + 1, skipped: 0, retries: 2, deadLettered: 1, transientRetries: 0, waiting: 0 });
  await runner.stop();
  t.equal(await committed(kafka, groupId, topic), String(others.length + 2), "committed past the dead letter and everything after it");
});

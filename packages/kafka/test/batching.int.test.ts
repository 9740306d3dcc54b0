import { eventually } from "@drops/testing";
import t from "tap";
import { createProducer } from "../src/index.ts";
import { runTestConsumer, testKafka, testTopic } from "../src/testing.ts";
import { stockChanged } from "./fixtures.ts";

t.setTimeout(120_000);

t.test("1000 concurrent publishes go out in far fewer sendBatch calls, and all arrive", async (t) => {
  const kafka = testKafka();
  const { topic } = await testTopic(t, kafka, "batch", 6);
  const producer = createProducer(kafka, { lingerMs: 5, maxBatch: 200 });
  t.teardown(() => producer.close());
  await producer.connect();

  const sendBatch = producer.producer.sendBatch.bind(producer.producer);
  let calls = 0;
  producer.producer.sendBatch = async (batch) => {
    calls++;
    return sendBatch(batch);
  };

  const events = Array.from({ length: 1000 }, (_, i) => stockChanged(`d-${i % 50}`, i));
  await Promise.all(events.map((e) => producer.publish(topic, null, e)));
  const stats = producer.stats();
  t.equal(stats.sent, 1000);
  t.equal(stats.failed, 0);
  t.equal(stats.pending, 0);
  t.equal(stats.batches, calls, "stats count the sendBatch calls");
  t.ok(calls >= 5 && calls <= 50, `1000 messages in ${calls} sendBatch calls`);

  const seen = new Set<string>();
  const runner = await runTestConsumer(t, { kafka, topics: [topic], handlers: { StockChanged: async (e) => void seen.add(e.eventId) } });
  await eventually(() => seen.size === 1000, 60_000);
  t.same([...seen].sort(), events.map((e) => e.eventId).sort(), "every event arrived once");
  await runner.stop();
  await producer.close();
  await t.rejects(producer.publish(topic, null, stockChanged()), /closed/);
});

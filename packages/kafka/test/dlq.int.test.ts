import { randomBytes } from "node:crypto";
import { HEADER, encodeEvent } from "@drops/events";
import { eventually, uniqueName } from "@drops/testing";
import t from "tap";
import { DLQ_HEADER } from "../src/index.ts";
import { collectMessages, headerOf as header, runTestConsumer, testKafka, testPublisher, testTopic } from "../src/testing.ts";
import { stockChanged } from "./fixtures.ts";

t.setTimeout(120_000);

t.test("poison messages go to the dead-letter topic unchanged, with the reason, and the consumer carries on", async (t) => {
  const kafka = testKafka();
  const { topic, dlq } = await testTopic(t, kafka, "poison", 1);
  const { producer, publish } = testPublisher(t, kafka);

  const garbage = randomBytes(64);
  const good1 = stockChanged("d-a", 4);
  const unknown = encodeEvent(stockChanged("d-b", 3));
  const good2 = stockChanged("d-c", 2);
  // In order on one partition: garbage, good, unknown type, good.
  await producer.publishRaw(topic, { key: "junk", value: garbage, headers: { note: "raw" } });
  await publish(topic, good1);
  await producer.publishRaw(topic, { key: unknown.key, value: unknown.value, headers: { ...unknown.headers, [HEADER.type]: "StockTeleported" } });
  await publish(topic, good2);

  const handled: string[] = [];
  const groupId = uniqueName("poison_group");
  const runner = await runTestConsumer(t, { kafka, groupId, topics: [topic], handlers: { StockChanged: async (e) => void handled.push(e.payload.dropId) } });
  const { items: dead } = await collectMessages(t, kafka, dlq);

  await eventually(() => handled.length === 2 && dead.length === 2, 60_000);
  t.same(handled, ["d-a", "d-c"], "good messages around the bad ones are handled, in order");

  const [g, u] = dead;
  t.same(g!.value, garbage, "value bytes unchanged");
  t.equal(g!.key?.toString(), "junk", "key unchanged");
  t.equal(header(g!, "note"), "raw", "original headers kept");
  t.equal(header(g!, DLQ_HEADER.reason), "MISSING_HEADER");
  t.match(header(g!, DLQ_HEADER.error), /EventDecodeError/);
  t.equal(header(g!, DLQ_HEADER.sourceTopic), topic);
  t.equal(header(g!, DLQ_HEADER.sourcePartition), "0");
  t.equal(header(g!, DLQ_HEADER.sourceOffset), "0");
  t.equal(header(g!, DLQ_HEADER.consumerGroup), groupId);
  t.ok(Number.isFinite(Date.parse(header(g!, DLQ_HEADER.failedAt)!)), "failed-at is a timestamp");

  t.equal(header(u!, DLQ_HEADER.reason), "UNKNOWN_TYPE");
  t.equal(header(u!, DLQ_HEADER.sourceOffset), "2");
  t.equal(header(u!, HEADER.type), "StockTeleported");
  t.same(u!.value, unknown.value);
  t.same(runner.stats(), { handled: 2, skipped: 0, retries: 0, deadLettered: 2, transientRetries: 0, waiting: 0 });
  await runner.stop();
});

t.test("known event types without a handler are skipped, not dead-lettered, and their offsets committed", async (t) => {
  const kafka = testKafka();
  const { topic, dlq } = await testTopic(t, kafka, "skip", 1);
  const { publish } = testPublisher(t, kafka);
  await Promise.all([publish(topic, stockChanged()), publish(topic, stockChanged())]);
  const groupId = uniqueName("skip_group");
  const runner = await runTestConsumer(t, { kafka, groupId, topics: [topic], handlers: { OrderPlaced: async () => {} } });
  await eventually(() => runner.stats().skipped === 2, 60_000);
  await runner.stop();
  t.equal(runner.stats().deadLettered, 0);

  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  t.equal(offsets!.partitions[0]!.offset, "2", "committed past both");
  const dlqOffsets = await admin.fetchTopicOffsets(dlq);
  t.equal(dlqOffsets[0]!.high, "0", "nothing dead-lettered");
});

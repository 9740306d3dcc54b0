/** Kafka for the inventory's integration tests: unique topics (deleted afterwards), a producer, a collector. */
import type { Test } from "tap";
import type { DropsEvent } from "@drops/events";
import { createKafka, createProducer, ensureTopics, runConsumer, type EventProducer } from "@drops/kafka";
import { testEnv, uniqueName } from "@drops/testing";

type Tap = Pick<Test, "teardown">;

export type KafkaFixture = {
  kafka: ReturnType<typeof createKafka>;
  producer: EventProducer;
  /** Unique test topics: `orders` stands for drops.inventory, `changes` for drops.stock-changes, `commands` for the command topic. */
  topics: { orders: string; changes: string; commands: string };
  /** Publishes like the service does, to the test topics. */
  publish: (e: DropsEvent) => Promise<void>;
  /** Every event that arrived on the test topics (both), in arrival order. */
  collect(): Promise<DropsEvent[]>;
};

export async function kafkaFixture(t: Tap): Promise<KafkaFixture> {
  const kafka = createKafka({ clientId: uniqueName("inv_test"), brokers: testEnv.kafkaBrokers });
  const topics = { orders: uniqueName("inv_orders"), changes: uniqueName("inv_changes"), commands: uniqueName("inv_commands") };
  const all = [topics.orders, topics.changes, topics.commands];
  await ensureTopics(kafka, [...all.map((topic) => ({ topic, numPartitions: 3 })), ...all.map((topic) => ({ topic: `${topic}.dlq`, numPartitions: 1 }))]);
  const producer = createProducer(kafka, { lingerMs: 2 });
  t.teardown(async () => {
    await producer.close();
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [...all, ...all.map((x) => `${x}.dlq`)] });
    } finally {
      await admin.disconnect();
    }
  });
  return {
    kafka,
    producer,
    topics,
    publish: (e) => producer.publish(e.type === "StockChanged" ? topics.changes : topics.orders, null, e),
    async collect() {
      const out: DropsEvent[] = [];
      const push = async (e: DropsEvent): Promise<void> => void out.push(e);
      const runner = await runConsumer({
        kafka,
        groupId: uniqueName("inv_collect"),
        topics: [topics.orders, topics.changes],
        handlers: { StockReserved: push, StockConfirmed: push, StockReleased: push, StockChanged: push, StockConfirmFailed: push },
      });
      t.teardown(() => runner.stop());
      await runner.joined;
      return out;
    },
  };
}

import { randomUUID } from "node:crypto";
import { newEnvelope } from "@drops/events";
import type { DropsEvent, StockChanged } from "@drops/events";
import { testEnv, uniqueName } from "@drops/testing";
import type { Kafka, KafkaMessage } from "kafkajs";
import { createKafka, ensureTopics } from "../src/index.ts";

export type Tap = { teardown(fn: () => unknown): void };

export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName("kafka_test"), brokers: testEnv.kafkaBrokers });
}

/** Creates topics with unique names (and their `.dlq`), deleted when the test ends. */
export async function makeTopics(t: Tap, kafka: Kafka, prefix: string, partitions = 3): Promise<{ topic: string; dlq: string }> {
  const topic = uniqueName(prefix);
  const dlq = `${topic}.dlq`;
  await ensureTopics(kafka, [
    { topic, numPartitions: partitions },
    { topic: dlq, numPartitions: 1 },
  ]);
  t.teardown(async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic, dlq] });
    } finally {
      await admin.disconnect();
    }
  });
  return { topic, dlq };
}

/** Reads every message of `topic` into an array with a throwaway group. */
export async function collect(t: Tap, kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const out: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName("collect") });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void out.push(message) });
  t.teardown(() => consumer.disconnect());
  return out;
}

let seq = 0;
export function stockChanged(dropId = "d-1", available = 5): DropsEvent {
  const payload: StockChanged = { dropId, available, held: 0, sold: 10 - available, total: 10, status: "OPEN", seq: ++seq };
  return newEnvelope({ type: "StockChanged", payload, correlationId: dropId, now: Date.now(), id: randomUUID() });
}

export function header(m: KafkaMessage, name: string): string | undefined {
  return m.headers?.[name]?.toString();
}

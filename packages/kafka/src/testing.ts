/**
 * Kafka kit for tests (`@drops/kafka/testing`): test-scoped factories on the real broker. Everything
 * a factory creates is named for the test alone (uniqueName) and removed in the test's teardown, so
 * tests run in parallel on one cluster and leave nothing behind.
 *
 *   const kafka = testKafka("order_test");
 *   const { topic, dlq } = await testTopic(t, kafka, "retry", 1);
 *   const events = await collectEvents(t, kafka, [topic]);
 *   const { publish } = testPublisher(t, kafka);
 *   await publish(topic, testEnvelope("StockChanged", payload));
 *   await events.waitFor((all) => all.length === 1);
 *   const runner = await runTestConsumer(t, { kafka, topics: [topic], handlers });
 */
import { randomUUID } from "node:crypto";
import { decodeEvent, newEnvelope } from "@drops/events";
import type { DropsEvent, EventEnvelope, EventPayloads, EventType } from "@drops/events";
import { eventually, testEnv, uniqueName } from "@drops/testing";
import type { Kafka, KafkaMessage } from "kafkajs";
import { createKafka } from "./client.ts";
import { runConsumer } from "./consumer.ts";
import type { ConsumerRunner, KeyParallelism, RunConsumerOptions } from "./consumer.ts";
import { createProducer } from "./producer.ts";
import type { EventProducer, ProducerOptions } from "./producer.ts";
import type { RetryPolicy } from "./retry.ts";
import { ensureTopics } from "./topics.ts";

/** What the kit needs of a test: tap's `t` fits. */
export type TestContext = { teardown(fn: () => unknown): void };

/** A kafkajs client on the test brokers (testEnv.kafkaBrokers) with a unique client id. */
export function testKafka(prefix = "kafka_test"): Kafka {
  return createKafka({ clientId: uniqueName(prefix), brokers: testEnv.kafkaBrokers });
}

export type TestTopicOptions = {
  /** Partitions of each topic. Default 3. */
  partitions?: number;
  /** Also create each topic's `<topic>.dlq` (1 partition). Default true. */
  dlq?: boolean;
};

/** Creates `topics` (and their `.dlq`s unless `dlq: false`) now and deletes them when the test ends. */
export async function createTestTopics(t: TestContext, kafka: Kafka, topics: readonly string[], opts: TestTopicOptions = {}): Promise<void> {
  const partitions = opts.partitions ?? 3;
  const specs = topics.flatMap((topic) => [{ topic, numPartitions: partitions }, ...(opts.dlq === false ? [] : [{ topic: `${topic}.dlq`, numPartitions: 1 }])]);
  await ensureTopics(kafka, specs);
  t.teardown(() => deleteTopics(kafka, specs.map((s) => s.topic)));
}

/** One uniquely named topic and its dead-letter topic, created now, deleted when the test ends. */
export async function testTopic(t: TestContext, kafka: Kafka, prefix: string, partitions = 3): Promise<{ topic: string; dlq: string }> {
  const topic = uniqueName(prefix);
  await createTestTopics(t, kafka, [topic], { partitions });
  return { topic, dlq: `${topic}.dlq` };
}

/**
 * One uniquely named topic per role (`{ orders: "<prefix>_<id>.orders", ... }`), each with its `.dlq`
 * unless `dlq: false`: the stand-ins for a service's real topics in a test.
 */
export async function testTopics<const K extends string>(
  t: TestContext,
  kafka: Kafka,
  prefix: string,
  roles: readonly K[],
  opts: TestTopicOptions = {},
): Promise<Record<K, string>> {
  const base = uniqueName(prefix);
  const names = Object.fromEntries(roles.map((role) => [role, `${base}.${role}`])) as Record<K, string>;
  await createTestTopics(t, kafka, Object.values<string>(names), opts);
  return names;
}

async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/**
 * An envelope for a test: a fresh UUID, the current time, and the payload's orderId (else dropId)
 * as correlation id unless given.
 */
export function testEnvelope<K extends EventType>(
  type: K,
  payload: EventPayloads[K],
  opts: { id?: string; now?: number | Date; correlationId?: string; causationId?: string | null } = {},
): EventEnvelope<K> {
  const p = payload as { orderId?: string; dropId?: string };
  return newEnvelope({
    type,
    payload,
    correlationId: opts.correlationId ?? p.orderId ?? p.dropId ?? "none",
    causationId: opts.causationId ?? null,
    now: opts.now ?? Date.now(),
    id: opts.id ?? randomUUID(),
  });
}

export type TestPublisher = {
  /** Sends `event` at once (no linger) and resolves when the broker acked it; `key` null = the layout's key. */
  publish: (topic: string, event: DropsEvent, key?: string | null) => Promise<void>;
  producer: EventProducer;
};

/** A producer (linger 0 unless told otherwise) closed when the test ends. */
export function testPublisher(t: TestContext, kafka: Kafka, opts: ProducerOptions = {}): TestPublisher {
  const producer = createProducer(kafka, { lingerMs: 0, ...opts });
  t.teardown(() => producer.close());
  return { producer, publish: (topic, event, key = null) => producer.publishNow(topic, key, event) };
}

/** A consumed message with where it came from. */
export type ReceivedMessage = KafkaMessage & { topic: string; partition: number };

export type Collector<T> = {
  /** Everything received so far, in arrival order (the same array, growing). */
  readonly items: T[];
  /**
   * Resolves with `items` once `until` holds: a count (at least that many items) or a predicate.
   * Rejects after `timeoutMs` (default 30 s) saying how many items had arrived.
   */
  waitFor(until: number | ((items: T[]) => boolean), timeoutMs?: number): Promise<T[]>;
  /** Leaves the group (also done when the test ends). */
  stop(): Promise<void>;
};

/**
 * Reads every message of `topics` from the beginning with a throwaway group into a Collector.
 * Resolves once the group is joined, so nothing published afterwards can be missed.
 */
export async function collectMessages(t: TestContext, kafka: Kafka, topics: string | readonly string[]): Promise<Collector<ReceivedMessage>> {
  return collect(t, kafka, topics, (m) => m);
}

/**
 * Like collectMessages, decoded with @drops/events. A message that does not decode is left out
 * (a test of poison messages reads the raw ones with collectMessages).
 */
export async function collectEvents(t: TestContext, kafka: Kafka, topics: string | readonly string[]): Promise<Collector<DropsEvent>> {
  return collect(t, kafka, topics, (m) => {
    try {
      return decodeEvent(m);
    } catch {
      return undefined;
    }
  });
}

async function collect<T>(t: TestContext, kafka: Kafka, topics: string | readonly string[], map: (m: ReceivedMessage) => T | undefined): Promise<Collector<T>> {
  const names = typeof topics === "string" ? [topics] : [...topics];
  const items: T[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName("collect"), allowAutoTopicCreation: false, ...FAST_CONSUMER });
  const joined = new Promise<void>((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= consumer.disconnect());
  t.teardown(stop);
  await consumer.connect();
  await consumer.subscribe({ topics: names, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const item = map({ ...message, topic, partition });
      if (item !== undefined) items.push(item);
    },
  });
  await joined;
  return {
    items,
    stop,
    waitFor: async (until, timeoutMs = 30_000) => {
      const done = typeof until === "number" ? (all: T[]) => all.length >= until : until;
      await eventually(() => done(items), timeoutMs).catch((err: unknown) => {
        throw new Error(`${names.join(", ")}: ${items.length} message(s) received, condition not met: ${(err as Error).message}`);
      });
      return items;
    },
  };
}

/** A header of a consumed message as a string. */
export function headerOf(message: KafkaMessage, name: string): string | undefined {
  return message.headers?.[name]?.toString();
}

/** kafkajs consumer settings that keep joins, stops and fetches short in tests. */
const FAST_CONSUMER = { sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 250 } as const;

/** Retries for tests: three calls, milliseconds apart. */
export const TEST_RETRY: RetryPolicy = { attempts: 3, initialDelayMs: 10, maxDelayMs: 50 };

export type TestConsumerOptions = Omit<RunConsumerOptions, "groupId"> & {
  /** Default: a unique group. */
  groupId?: string;
};

/**
 * runConsumer with test settings: a unique group (unless given), TEST_RETRY, a short commit
 * interval and fetch wait (each overridable); stopped when the test ends; resolves once joined.
 */
export async function runTestConsumer(t: TestContext, opts: TestConsumerOptions, parallel?: KeyParallelism): Promise<ConsumerRunner> {
  const runner = await runConsumer(
    {
      retry: TEST_RETRY,
      commitIntervalMs: 100,
      ...opts,
      groupId: opts.groupId ?? uniqueName("test_group"),
      consumerConfig: { ...FAST_CONSUMER, ...opts.consumerConfig },
    },
    parallel,
  );
  t.teardown(() => runner.stop());
  await runner.joined;
  return runner;
}

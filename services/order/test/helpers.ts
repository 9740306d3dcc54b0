/**
 * Integration-test fixture: a fresh PostgreSQL schema, uniquely named Kafka topics (the service's
 * topic names are injectable, so a test never reads or feeds anyone else's events), the order app
 * and its runtime (saga consumer, payment worker, outbox relay, deadline sweeper) on them, and a
 * collector that decodes everything published to those topics.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { withTestSchema } from "@drops/db/testing";
import { decodeEvent, newEnvelope } from "@drops/events";
import type { DropsEvent, EventPayloads, EventType } from "@drops/events";
import { createKafka, createProducer, ensureTopics } from "@drops/kafka";
import { testEnv, uniqueName } from "@drops/testing";
import type { FastifyInstance } from "fastify";
import { buildApp, type Overrides } from "../src/app.ts";
import { openClients } from "../src/clients.ts";
import type { Clients } from "../src/clients.ts";
import { readConfig } from "../src/config.ts";
import type { Config } from "../src/config.ts";
import type { SagaTopics } from "../src/domain/topics.ts";
import type { OrderWorkers } from "../src/workers.ts";

export type Tap = { teardown(fn: () => unknown): void };

export const migrationsDir = fileURLToPath(new URL("../prisma/migrations/", import.meta.url));

export type Kafka = ReturnType<typeof createKafka>;

export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName("order_test"), brokers: testEnv.kafkaBrokers });
}

/** Four uniquely named saga topics (+ their .dlq), deleted when the test ends. */
export async function makeSagaTopics(t: Tap, kafka: Kafka): Promise<SagaTopics> {
  const base = uniqueName("ordt");
  const topics: SagaTopics = { orders: `${base}.orders`, inventory: `${base}.inventory`, inventoryCommands: `${base}.inv-cmd`, payments: `${base}.payments` };
  const names = Object.values(topics).flatMap((n) => [n, `${n}.dlq`]);
  await ensureTopics(kafka, names.map((topic) => ({ topic, numPartitions: topic.endsWith(".dlq") ? 1 : 3 })));
  t.teardown(async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: names });
    } finally {
      await admin.disconnect();
    }
  });
  return topics;
}

/** Every event published to `topics`, decoded, in arrival order. */
export async function collect(t: Tap, kafka: Kafka, topics: string[]): Promise<DropsEvent[]> {
  const out: DropsEvent[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName("collect") });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({ eachMessage: async ({ message }) => void out.push(decodeEvent(message)) });
  t.teardown(() => consumer.disconnect());
  await joined;
  return out;
}

export function envelope<K extends EventType>(type: K, payload: EventPayloads[K], id = randomUUID()): DropsEvent {
  const orderId = (payload as { orderId?: string }).orderId ?? "none";
  return newEnvelope({ type, payload, correlationId: orderId, now: Date.now(), id }) as DropsEvent;
}

export type SagaEnv = {
  config: Config;
  clients: Clients;
  app: FastifyInstance;
  workers: OrderWorkers;
  topics: SagaTopics;
  kafka: Kafka;
  /** Everything on the four saga topics. */
  seen: DropsEvent[];
  /** Publishes as the inventory / a test would (to the test topics). */
  publish: (topic: string, event: DropsEvent) => Promise<void>;
};

export async function startSagaEnv(t: Tap, env: Record<string, string> = {}, overrides: Overrides = {}): Promise<SagaEnv> {
  const db = await withTestSchema(migrationsDir, { prefix: "order" });
  t.teardown(db.cleanup);
  const kafka = testKafka();
  const topics = await makeSagaTopics(t, kafka);
  const seen = await collect(t, kafka, Object.values(topics));
  const config = readConfig({
    LOG_LEVEL: "silent",
    DATABASE_URL: db.url,
    DB_SCHEMA: db.schema,
    KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
    SAGA_CONSUMER_GROUP: uniqueName("saga"),
    PAYMENT_CONSUMER_GROUP: uniqueName("pay"),
    PAYMENT_TIMEOUT_MS: "1500",
    PAYMENT_LATENCY_MS: "5",
    SAGA_SWEEP_MS: "100",
    CONSUMER_RETRY_ATTEMPTS: "3",
    ...env,
  });
  const clients = openClients(config);
  const { app, workers } = await buildApp(config, clients, { topics, ...overrides });
  await workers.start();
  t.teardown(async () => {
    await workers.stop();
    await app.close();
  });
  await Promise.all([workers.saga.joined, workers.payments.joined]);
  const producer = createProducer(kafka, { lingerMs: 0 });
  t.teardown(() => producer.close());
  return { config, clients, app, workers, topics, kafka, seen, publish: (topic, event) => producer.publishNow(topic, null, event) };
}

/** The events seen for one order, by type. */
export function eventsOf(seen: DropsEvent[], orderId: string, type?: EventType): DropsEvent[] {
  return seen.filter((e) => (e.payload as { orderId?: string }).orderId === orderId && (type === undefined || e.type === type));
}

export async function orderStatus(env: SagaEnv, orderId: string): Promise<string | undefined> {
  const res = await env.clients.pool.query<{ status: string }>("SELECT status FROM orders WHERE id = $1", [orderId]);
  return res.rows[0]?.status;
}

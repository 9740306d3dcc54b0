/**
 * Test fixtures of the order service: a fresh PostgreSQL schema, the saga's topics uniquely named
 * (the service's topic names are injectable, so a test never reads or feeds anyone else's events)
 * with a collector of everything published to them, and the whole service (app + workers) on them.
 * The Kafka parts are @drops/kafka/testing's.
 */
import { fileURLToPath } from "node:url";
import { createPool } from "@drops/db";
import { withTestSchema, type TestSchema } from "@drops/db/testing";
import type { DropsEvent, EventType } from "@drops/events";
import { collectEvents, testKafka, testPublisher, testTopics, type TestContext } from "@drops/kafka/testing";
import { testEnv, uniqueName } from "@drops/testing";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import type { KafkaClient as Kafka } from "@drops/clients";
import { buildApp, type Overrides } from "../src/app.ts";
import { openClients, type Clients } from "../src/clients.ts";
import { readConfig, type Config } from "../src/config.ts";
import type { SagaTopics } from "../src/domain/topics.ts";
import type { PaymentProvider } from "../src/store/payment-provider.ts";
import type { OrderWorkers } from "../src/workers.ts";

export const migrationsDir = fileURLToPath(new URL("../prisma/migrations/", import.meta.url));

/** A fresh schema with the order migrations and a pool on it, both gone when the test ends. */
export async function testDatabase(t: TestContext, prefix: string): Promise<{ db: TestSchema; pool: pg.Pool }> {
  const db = await withTestSchema(migrationsDir, { prefix });
  t.teardown(db.cleanup);
  const pool = createPool(db.url, { schema: db.schema });
  t.teardown(() => pool.end());
  return { db, pool };
}

/** A Kafka client, the saga's five topics (3 partitions, + .dlq), and every event published to `watched` of them. */
export async function sagaKafka(t: TestContext, watched: readonly (keyof SagaTopics)[] = ["orders", "inventory", "inventoryCommands", "payments"]): Promise<{ kafka: Kafka; topics: SagaTopics; seen: DropsEvent[] }> {
  const kafka = testKafka("order_test");
  const topics = await testTopics(t, kafka, "ordt", ["orders", "inventory", "inventoryCommands", "payments", "checkouts"]);
  const { items } = await collectEvents(t, kafka, watched.map((role) => topics[role]));
  return { kafka, topics, seen: items };
}

/** The variables of an order instance on `db` with consumer groups of its own (the same for every instance of one test). */
export function sagaVars(db: TestSchema): Record<string, string> {
  return {
    LOG_LEVEL: "silent",
    DATABASE_URL: db.url,
    DB_SCHEMA: db.schema,
    KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
    SAGA_CONSUMER_GROUP: uniqueName("saga"),
    PAYMENT_CONSUMER_GROUP: uniqueName("pay"),
  };
}

export type SagaEnv = {
  config: Config;
  clients: Clients;
  app: FastifyInstance;
  workers: OrderWorkers;
  topics: SagaTopics;
  kafka: Kafka;
  /** Everything on the watched saga topics (all but checkouts, which the tests publish to). */
  seen: DropsEvent[];
  /** Publishes as the inventory / a test would (to the test topics). */
  publish: (topic: string, event: DropsEvent) => Promise<void>;
};

/** The order service (app + started workers) on a fresh schema and its own saga topics. */
export async function startSagaEnv(t: TestContext, env: Record<string, string> = {}, overrides: Overrides = {}): Promise<SagaEnv> {
  const db = await withTestSchema(migrationsDir, { prefix: "order" });
  t.teardown(db.cleanup);
  const { kafka, topics, seen } = await sagaKafka(t);
  const config = readConfig({
    ...sagaVars(db),
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
  const { publish } = testPublisher(t, kafka);
  return { config, clients, app, workers, topics, kafka, seen, publish };
}

/** The events seen for one order, by type. */
export function eventsOf(seen: DropsEvent[], orderId: string, type?: EventType): DropsEvent[] {
  return seen.filter((e) => (e.payload as { orderId?: string }).orderId === orderId && (type === undefined || e.type === type));
}

export async function orderStatus(env: SagaEnv, orderId: string): Promise<string | undefined> {
  const res = await env.clients.pool.query<{ status: string }>("SELECT status FROM orders WHERE id = $1", [orderId]);
  return res.rows[0]?.status;
}

/** A provider that approves every charge and records the order ids it was asked to charge. */
export function approvingProvider(): { provider: PaymentProvider; charges: string[] } {
  const charges: string[] = [];
  const provider: PaymentProvider = {
    charge: async (req) => {
      charges.push(req.orderId);
      return { status: "approved", paymentId: `pay_${req.orderId}` };
    },
    refund: async (req) => ({ refundId: `re_${req.orderId}` }),
  };
  return { provider, charges };
}

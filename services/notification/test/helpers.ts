/**
 * Integration-test fixture: a fresh PostgreSQL schema, the notification app and its consumer on the
 * real platform topics (drops.orders, drops.stock-changes) in a uniquely named consumer group, and a
 * publisher (@drops/kafka/testing) that sends as the order service / inventory would. Tests use
 * fresh order, buyer and drop ids, so other events on those topics never match what they look for.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { withTestSchema } from "@drops/db/testing";
import { topicFor, topicSpecs, topics } from "@drops/events";
import type { DropsEvent } from "@drops/events";
import { ensureTopics } from "@drops/kafka";
import { testKafka, testPublisher, type TestContext } from "@drops/kafka/testing";
import { eventually, testEnv, uniqueName } from "@drops/testing";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../src/app.ts";
import { openClients, type Clients } from "../src/clients.ts";
import { readConfig, type Config } from "../src/config.ts";
import type { NotificationWorkers } from "../src/workers.ts";

export const migrationsDir = fileURLToPath(new URL("../prisma/migrations/", import.meta.url));

export type NotifyEnv = {
  config: Config;
  /** The variables `config` was read from (to start a second instance on the same schema and channel). */
  vars: Record<string, string>;
  clients: Clients;
  app: FastifyInstance;
  workers: NotificationWorkers;
  /** Publishes to the real topic of the event's type. */
  publish: (event: DropsEvent) => Promise<void>;
  /** Resolves once the consumer handled (or skipped) at least `n` more messages than when called. */
  handledAtLeast: (n: number) => Promise<void>;
};

export async function startNotifyEnv(t: TestContext, env: Record<string, string> = {}): Promise<NotifyEnv> {
  const db = await withTestSchema(migrationsDir, { prefix: "notification" });
  t.teardown(db.cleanup);
  const kafka = testKafka("notification_test");
  const mine = [topics.orders.name, topics.stockChanges.name];
  await ensureTopics(kafka, topicSpecs().filter((s) => mine.some((name) => s.topic === name || s.topic === `${name}.dlq`)));
  const vars: Record<string, string> = {
    LOG_LEVEL: "silent",
    DATABASE_URL: db.url,
    DB_SCHEMA: db.schema,
    KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
    CONSUMER_GROUP: uniqueName("notification"),
    CONSUMER_RETRY_ATTEMPTS: "3",
    SSE_HEARTBEAT_MS: "200",
    REDIS_URL: testEnv.redisUrl,
    LIVE_CHANNEL: uniqueName("notification_live"),
    ...env,
  };
  const config = readConfig(vars);
  const clients = openClients(config);
  const { app, workers } = await buildApp(config, clients);
  await workers.start();
  t.teardown(async () => {
    await workers.stop();
    await app.close();
  });
  await Promise.all([workers.consumer.joined, clients.hub.ready]);
  const { publish } = testPublisher(t, kafka);
  const seen = (): number => {
    const s = workers.consumer.stats();
    return s.handled + s.skipped + s.deadLettered;
  };
  return {
    config, vars, clients, app, workers,
    publish: (event) => publish(topicFor(event.type), event),
    handledAtLeast: async (n) => {
      const target = seen() + n;
      await eventually(() => seen() >= target, 15_000);
    },
  };
}

/** Fresh ids (UUIDs, as the platform's ids are: a buyer id is the asserted caller's user id). */
export function ids(): { orderId: string; buyerId: string; dropId: string } {
  return { orderId: randomUUID(), buyerId: randomUUID(), dropId: randomUUID() };
}

export async function countFor(env: NotifyEnv, buyerId: string): Promise<number> {
  const res = await env.clients.pool.query<{ n: string }>("SELECT count(*) AS n FROM notifications WHERE buyer_id = $1", [buyerId]);
  return Number(res.rows[0]?.n ?? 0);
}

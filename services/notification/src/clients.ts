import type { FastifyBaseLogger } from "fastify";
import { checkPostgres, createPool, prismaAdapter } from "@drops/db";
import { checkKafka, createKafka, createProducer } from "@drops/kafka";
import type { EventProducer } from "@drops/kafka";
import type { ReadinessChecks } from "@drops/http";
import type { Config } from "./config.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createLiveHub, type LiveHub } from "./live/hub.ts";
import { createRedisLiveHub } from "./live/redis-hub.ts";

/** The clients the notification service owns: PostgreSQL (pg pool + Prisma), Kafka, the live hub (Redis pub/sub). */
export type Clients = {
  /** pg pool on the notification schema: consumer transactions (dedupe + insert). */
  pool: ReturnType<typeof createPool>;
  /** Prisma client on the notification schema: the read API and mark-as-read. */
  prisma: PrismaClient;
  kafka: ReturnType<typeof createKafka>;
  /** Dead letters of the consumers. */
  producer: EventProducer;
  /** Pushes stored notifications to the SSE streams of every instance (LIVE_PUSH=redis) or of this one (memory). */
  hub: LiveHub;
  /** Readiness probes, one per dependency, for GET /ready. */
  checks: ReadinessChecks;
  /** Where connection errors are logged (set once the app's logger exists). */
  setLogger: (logger: FastifyBaseLogger) => void;
  close: () => Promise<void>;
};

/** Creates the clients without connecting (connections open on first use). */
export function openClients(config: Config): Clients {
  let log: FastifyBaseLogger | undefined;
  const pool = createPool(config.DATABASE_URL, { applicationName: config.SERVICE_NAME, schema: config.DB_SCHEMA });
  pool.on("error", (err: Error) => log?.warn({ err, client: "postgres" }, "idle postgres client error"));
  const prisma = new PrismaClient({ adapter: prismaAdapter(config.DATABASE_URL, config.DB_SCHEMA) });
  const kafka = createKafka({ clientId: config.SERVICE_NAME, brokers: config.KAFKA_BROKERS });
  const producer = createProducer(kafka, { lingerMs: 2 });
  const hub = config.LIVE_PUSH === "redis"
    ? createRedisLiveHub({ url: config.REDIS_URL, channel: config.LIVE_CHANNEL, onError: (err) => log?.warn({ err, client: "redis" }, "live push error") })
    : createLiveHub();
  return {
    pool, prisma, kafka, producer, hub,
    checks: { postgres: () => checkPostgres(pool), kafka: () => checkKafka(kafka) },
    setLogger: (logger) => {
      log = logger;
    },
    close: async () => {
      await producer.close().catch(() => {});
      await hub.close().catch(() => {});
      await prisma.$disconnect().catch(() => {});
      await pool.end();
    },
  };
}

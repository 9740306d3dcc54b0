import type { FastifyBaseLogger } from "fastify";
import { checkPostgres, createPool, prismaAdapter } from "@drops/db";
import { checkKafka, createKafka, createProducer } from "@drops/kafka";
import type { EventProducer } from "@drops/kafka";
import type { ReadinessChecks } from "@drops/http";
import type { Config } from "./config.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

/** The infrastructure clients the order service owns: PostgreSQL (pg pool + Prisma), Kafka. */
export type Clients = {
  /** pg pool on the order schema: saga transactions, outbox, payments. */
  pool: ReturnType<typeof createPool>;
  /** Prisma client on the order schema: the read API. */
  prisma: PrismaClient;
  kafka: ReturnType<typeof createKafka>;
  /** Publishes the outbox and dead letters. */
  producer: EventProducer;
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
  return {
    pool, prisma, kafka, producer,
    checks: { postgres: () => checkPostgres(pool), kafka: () => checkKafka(kafka) },
    setLogger: (logger) => {
      log = logger;
    },
    close: async () => {
      await producer.close().catch(() => {});
      await prisma.$disconnect().catch(() => {});
      await pool.end();
    },
  };
}

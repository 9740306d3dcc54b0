import type { FastifyBaseLogger } from "fastify";
import { checkPostgres, createPool } from "@drops/db";
import { checkKafka, createKafka } from "@drops/kafka";
import type { ReadinessChecks } from "@drops/http";
import type { Config } from "./config.ts";
import { createDb, type Db } from "./store/prisma.ts";

/** The infrastructure clients the catalog service owns: PostgreSQL (pool + Prisma), Kafka. */
export type Clients = {
  pool: ReturnType<typeof createPool>;
  db: Db;
  kafka: ReturnType<typeof createKafka>;
  /** Readiness probes, one per dependency, for GET /ready. */
  checks: ReadinessChecks;
  /** Where connection errors are logged (set once the app's logger exists). */
  setLogger: (logger: FastifyBaseLogger) => void;
  close: () => Promise<void>;
};

/** Creates the clients without connecting (connections open on first use). */
export function openClients(config: Config): Clients {
  let log: FastifyBaseLogger | undefined;
  const pool = createPool(config.DATABASE_URL, { applicationName: config.SERVICE_NAME, max: 2 });
  pool.on("error", (err: Error) => log?.warn({ err, client: "postgres" }, "idle postgres client error"));
  const db = createDb(config.DATABASE_URL, config.DB_SCHEMA);
  const kafka = createKafka({ clientId: config.SERVICE_NAME, brokers: config.KAFKA_BROKERS });
  return {
    pool, db, kafka,
    checks: { postgres: () => checkPostgres(pool), kafka: () => checkKafka(kafka) },
    setLogger: (logger) => {
      log = logger;
    },
    close: async () => {
      await db.$disconnect();
      await pool.end();
    },
  };
}

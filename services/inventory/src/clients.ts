import type { FastifyBaseLogger } from "fastify";
import { checkRedis, createLockClients, createRedis } from "@drops/redis";
import { checkPostgres, createPool } from "@drops/db";
import { checkKafka, createKafka } from "@drops/kafka";
import type { ReadinessChecks } from "@drops/http";
import type { Config } from "./config.ts";

/** The infrastructure clients the inventory service owns: Redis, PostgreSQL, Kafka. */
export type Clients = {
  redis: ReturnType<typeof createRedis>;
  pool: ReturnType<typeof createPool>;
  /** One connection per Redlock node (REDLOCK_URLS). */
  lockClients: ReturnType<typeof createLockClients>;
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
  const redis = createRedis(config.REDIS_URL, { lazyConnect: true, connectionName: config.SERVICE_NAME });
  redis.on("error", (err: Error) => log?.warn({ err, client: "redis" }, "redis connection error"));
  const pool = createPool(config.DATABASE_URL, { applicationName: config.SERVICE_NAME, schema: config.DB_SCHEMA });
  const lockClients = createLockClients(config.REDLOCK_URLS);
  for (const c of lockClients) c.on("error", (err: Error) => log?.warn({ err, client: "redlock" }, "redlock connection error"));
  pool.on("error", (err: Error) => log?.warn({ err, client: "postgres" }, "idle postgres client error"));
  const kafka = createKafka({ clientId: config.SERVICE_NAME, brokers: config.KAFKA_BROKERS });
  return {
    redis, pool, kafka, lockClients,
    checks: { redis: () => checkRedis(redis), postgres: () => checkPostgres(pool), kafka: () => checkKafka(kafka) },
    setLogger: (logger) => {
      log = logger;
    },
    close: async () => {
      if (redis.status === "ready") await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
      await Promise.all(
        lockClients.map(async (c) => {
          if (c.status === "ready") await c.quit().catch(() => c.disconnect());
          else c.disconnect();
        }),
      );
      await pool.end();
    },
  };
}

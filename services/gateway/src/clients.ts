import type { FastifyBaseLogger } from "fastify";
import { checkRedis, createRedis } from "@drops/redis";
import { checkPostgres, createPool } from "@drops/db";
import { checkKafka, createKafka } from "@drops/kafka";
import type { ReadinessChecks } from "@drops/http";
import type { Config } from "./config.ts";

/** The infrastructure clients the gateway service owns: Kafka, Redis, PostgreSQL. */
export type Clients = {
  redis: ReturnType<typeof createRedis>;
  pool: ReturnType<typeof createPool>;
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
  const pool = createPool(config.DATABASE_URL, { applicationName: config.SERVICE_NAME });
  pool.on("error", (err: Error) => log?.warn({ err, client: "postgres" }, "idle postgres client error"));
  const kafka = createKafka({ clientId: config.SERVICE_NAME, brokers: config.KAFKA_BROKERS });
  return {
    redis, pool, kafka,
    checks: { redis: () => checkRedis(redis), postgres: () => checkPostgres(pool), kafka: () => checkKafka(kafka) },
    setLogger: (logger) => {
      log = logger;
    },
    close: async () => {
      if (redis.status === "ready") await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
      await pool.end();
    },
  };
}

import type { FastifyBaseLogger } from "fastify";
import { Redis } from "ioredis";
import { checkRedis } from "@drops/redis";
import { checkPostgres, createPool } from "@drops/db";
import { checkKafka, createKafka } from "@drops/kafka";
import type { ReadinessChecks } from "@drops/http";
import type { Config } from "./config.ts";

/** The infrastructure clients the gateway service owns: Kafka, Redis, PostgreSQL. */
export type Clients = {
  /** The stock Redis (the inventory's), also where purchases reserve: fail-fast settings, see openClients. */
  redis: Redis;
  pool: ReturnType<typeof createPool>;
  kafka: ReturnType<typeof createKafka>;
  /** Readiness probes, one per dependency, for GET /ready. */
  checks: ReadinessChecks;
  /** Where connection errors are logged (set once the app's logger exists). */
  setLogger: (logger: FastifyBaseLogger) => void;
  close: () => Promise<void>;
  /** Resolves once Redis is connected, or after `timeoutMs` / a connection error (never rejects). */
  redisReady: (timeoutMs: number) => Promise<void>;
};

/**
 * Creates the clients; Redis starts connecting at once, PostgreSQL and Kafka on first use.
 * The Redis connection carries the purchase path, so it fails fast instead of queueing: no offline
 * queue (a command while disconnected rejects at once), a command timeout of
 * REDIS_COMMAND_TIMEOUT_MS, and no re-send of in-flight commands after a reconnect. Each of those
 * becomes a 503 for the buyer, who retries with the same Idempotency-Key (the reserve script is
 * idempotent per order id, so a script that did run behind a timeout is found again, not doubled).
 */
export function openClients(config: Config): Clients {
  let log: FastifyBaseLogger | undefined;
  const redis = new Redis(config.REDIS_URL, {
    connectionName: config.SERVICE_NAME,
    enableOfflineQueue: false,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  });
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
    redisReady: (timeoutMs) =>
      new Promise<void>((resolve) => {
        if (redis.status === "ready") return resolve();
        const done = () => {
          clearTimeout(timer);
          redis.off("ready", done);
          redis.off("error", done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        redis.once("ready", done);
        redis.once("error", done);
      }),
  };
}

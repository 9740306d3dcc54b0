import type { Redis } from "ioredis";
import { createInfra, type KafkaClient, type Pool } from "@drops/clients";
import type { ServiceClients } from "@drops/http";
import { stockRedisTarget } from "@drops/http/config";
import { checkRedis, createStockRedis, type StockRedis } from "@drops/redis";
import type { Config } from "./config.ts";

/**
 * The gateway's infrastructure: the stock Redis (the inventory's: REDIS_URL, or the Redis Cluster of
 * STOCK_REDIS_CLUSTER_NODES), pub/sub subscribers and Kafka. No database, but in the
 * row-lock comparison (PURCHASE_STRATEGY=rowlock), where a PostgreSQL pool carries the purchases.
 */
export type Clients = {
  /** The stock Redis, where purchases reserve (and the rate limits count): fail-fast settings, see openClients. */
  redis: StockRedis;
  /** Pub/sub subscriber on REDIS_URL (the notifications' live channel): retries forever, not readiness-checked. */
  sub: Redis;
  /**
   * Pub/sub subscriber of the stock Redis (the waiting room's change channels, published by the
   * inventory's scripts): `sub` itself unless the stock is on a cluster, then a cluster subscriber.
   */
  stockSub: StockRedis;
  kafka: KafkaClient;
  /** Only with PURCHASE_STRATEGY=rowlock (then /ready checks it too). */
  pg?: Pool;
  /** For createServiceApp: /ready checks redis and kafka; both close with the app. */
  shell: ServiceClients;
};

/**
 * Redis starts connecting at once, Kafka on first use. The Redis connection carries the purchase
 * path, so it fails fast instead of queueing: no offline queue (a command while disconnected rejects
 * at once), a command timeout of REDIS_COMMAND_TIMEOUT_MS, and no re-send of in-flight commands after
 * a reconnect. Each of those becomes a 503 for the buyer, who retries with the same Idempotency-Key
 * (the reserve script is idempotent per order id, so a script that did run behind a timeout is found
 * again, not doubled).
 */
export function openClients(config: Config): Clients {
  const infra = createInfra(config.SERVICE_NAME);
  const redis = createStockRedis(stockRedisTarget(config), {
    connectionName: config.SERVICE_NAME,
    enableOfflineQueue: false,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  });
  infra.adoptRedis(redis, "redis", () => checkRedis(redis));
  const subOpts = { check: false as const, connectionName: `${config.SERVICE_NAME}-sub`, maxRetriesPerRequest: null };
  const sub = infra.redis(config.REDIS_URL, subOpts);
  const stockSub = config.STOCK_REDIS_CLUSTER_NODES.length === 0 ? sub : infra.stockRedis(stockRedisTarget(config), { ...subOpts, connectionName: `${config.SERVICE_NAME}-stock-sub` });
  const kafka = infra.kafka(config.KAFKA_BROKERS);
  if (config.PURCHASE_STRATEGY !== "rowlock") return { redis, sub, stockSub, kafka, shell: infra.shell };
  const pg = infra.postgres(config.DATABASE_URL, { schema: config.ROWLOCK_SCHEMA, max: config.ROWLOCK_POOL_MAX });
  return { redis, sub, stockSub, kafka, pg, shell: infra.shell };
}

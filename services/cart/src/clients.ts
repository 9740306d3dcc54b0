import { createInfra, type KafkaClient, type RedisClient, type StockRedisClient } from "@drops/clients";
import type { ServiceClients } from "@drops/http";
import { stockRedisTarget } from "@drops/http/config";
import type { EventProducer } from "@drops/kafka";
import { checkRedis, createRedis, createStockRedis } from "@drops/redis";
import type { Config } from "./config.ts";

/**
 * The cart's clients: one Redis connection (REDIS_URL: the carts under CART_KEY_PREFIX and, unless
 * the stock is on a Redis Cluster, the inventory's stock keys under STOCK_KEY_PREFIX), the stock
 * Redis (that same connection, or a Cluster client over STOCK_REDIS_CLUSTER_NODES), Kafka and its
 * producer for CartCheckedOut. /ready checks redis (and stock-redis on a cluster) and kafka.
 */
export type Clients = { redis: RedisClient; stock: StockRedisClient; kafka: KafkaClient; producer: EventProducer; shell: ServiceClients };

/** Resolves once `redis` is connected; rejects after `timeoutMs` (the connection keeps trying). */
export async function whenConnected(redis: StockRedisClient, timeoutMs: number): Promise<void> {
  if (redis.status !== "ready") {
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        redis.off("ready", onReady);
        reject(new Error(`not connected (${redis.status})`));
      }, timeoutMs);
      redis.once("ready", onReady);
    });
  }
}

/** /ready right after the start waits for the connection instead of failing on it, then PINGs. */
async function pingWhenConnected(redis: StockRedisClient, timeoutMs: number): Promise<void> {
  await whenConnected(redis, timeoutMs);
  await checkRedis(redis);
}

/**
 * Redis connects at once, Kafka on first use. The Redis connection carries the checkout's reserves,
 * so it fails closed as the gateway's does: no offline queue (a command while disconnected rejects
 * at once), a command timeout of REDIS_COMMAND_TIMEOUT_MS, no re-send of in-flight commands after a
 * reconnect. Each is a 503 for the buyer, who retries with the same Idempotency-Key (reserve is
 * idempotent per order id, so a script that did run behind a timeout is found again, not doubled).
 * The producer retries a little, then the route's PUBLISH_TIMEOUT_MS turns a Kafka outage into a 503
 * instead of a hung request.
 */
export function openClients(config: Config): Clients {
  const infra = createInfra(config.SERVICE_NAME);
  const failFast = {
    connectionName: config.SERVICE_NAME,
    enableOfflineQueue: false,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  };
  const redis = createRedis(config.REDIS_URL, failFast);
  infra.adoptRedis(redis, "redis", () => pingWhenConnected(redis, config.READY_TIMEOUT_MS));
  let stock: StockRedisClient = redis;
  if (config.STOCK_REDIS_CLUSTER_NODES.length > 0) {
    const cluster = createStockRedis(stockRedisTarget(config), { ...failFast, connectionName: `${config.SERVICE_NAME}-stock` });
    stock = infra.adoptRedis(cluster, "stock-redis", () => pingWhenConnected(cluster, config.READY_TIMEOUT_MS));
  }
  const kafka = infra.kafka(config.KAFKA_BROKERS);
  const producer = infra.producer(kafka, { lingerMs: 0, retries: 3 });
  return { redis, stock, kafka, producer, shell: infra.shell };
}

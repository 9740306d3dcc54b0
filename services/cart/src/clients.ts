import { createInfra, type KafkaClient, type RedisClient } from "@drops/clients";
import type { ServiceClients } from "@drops/http";
import type { EventProducer } from "@drops/kafka";
import { checkRedis, createRedis } from "@drops/redis";
import type { Config } from "./config.ts";

/**
 * The cart's clients: Redis for the carts (`redis`), the stock Redis connection for the inventory's
 * scripts (`stockRedis`, same REDIS_URL, fail-fast settings), Kafka and its producer for
 * CartCheckedOut. /ready checks redis, stock-redis and kafka.
 */
export type Clients = { redis: RedisClient; stockRedis: RedisClient; kafka: KafkaClient; producer: EventProducer; shell: ServiceClients };

/**
 * Nothing connects before first use but the stock connection. The stock connection fails closed as
 * the gateway's does: no offline queue, a command timeout, no re-send after a reconnect: a checkout
 * that cannot reach stock is a 503 and the buyer retries with the same Idempotency-Key (reserve is
 * idempotent per order id). The producer retries a little, then the route's PUBLISH_TIMEOUT_MS
 * turns a Kafka outage into a 503 instead of a hung request.
 */
export function openClients(config: Config): Clients {
  const infra = createInfra(config.SERVICE_NAME);
  const redis = infra.redis(config.REDIS_URL);
  const stockRedis = createRedis(config.REDIS_URL, {
    connectionName: `${config.SERVICE_NAME}-stock`,
    enableOfflineQueue: false,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  });
  infra.adoptRedis(stockRedis, "stock-redis", () => checkRedis(stockRedis));
  const kafka = infra.kafka(config.KAFKA_BROKERS);
  const producer = infra.producer(kafka, { lingerMs: 0, retries: 3 });
  return { redis, stockRedis, kafka, producer, shell: infra.shell };
}

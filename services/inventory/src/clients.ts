import { createInfra } from "@drops/clients";
import type { ServiceClients } from "@drops/http";
import { stockRedisTarget } from "@drops/http/config";
import type { EventProducer } from "@drops/kafka";
import type { Config } from "./config.ts";
import type { Pool } from "./store/db.ts";
import type { Redis } from "./store/stock/scripts.ts";

type LockClient = ReturnType<ReturnType<typeof createInfra>["redis"]>;

/**
 * What the inventory opens: the stock Redis (REDIS_URL, or the Redis Cluster of
 * STOCK_REDIS_CLUSTER_NODES), one connection per Redlock node (always plain, independent nodes), its PostgreSQL schema
 * (the ledger and the drop schedules), Kafka and a producer. /ready checks Redis, PostgreSQL and Kafka.
 */
export type Clients = {
  redis: Redis;
  pool: Pool;
  /** One connection per Redlock node (REDLOCK_URLS); not readiness-checked. */
  lockClients: LockClient[];
  kafka: ReturnType<ReturnType<typeof createInfra>["kafka"]>;
  /** Batching producer of the relay and the command handlers (closed with the app). */
  producer: EventProducer;
  /** What createServiceApp takes: readiness checks, logger, close. */
  shell: ServiceClients;
};

/** Creates the clients without connecting (connections open on first use). */
export function openClients(config: Config): Clients {
  const infra = createInfra(config.SERVICE_NAME);
  const redis = infra.stockRedis(stockRedisTarget(config));
  const lockClients = config.REDLOCK_URLS.map((url) => infra.redis(url, { check: false, connectionName: `${config.SERVICE_NAME}-redlock` }));
  const pool = infra.postgres(config.DATABASE_URL, { schema: config.DB_SCHEMA, max: config.DATABASE_POOL_MAX });
  const kafka = infra.kafka(config.KAFKA_BROKERS);
  const producer = infra.producer(kafka);
  return { redis, pool, lockClients, kafka, producer, shell: infra.shell };
}

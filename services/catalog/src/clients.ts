import { createInfra, type KafkaClient, type RedisClient } from "@drops/clients";
import type { ServiceClients } from "@drops/http";
import type { EventProducer } from "@drops/kafka";
import type { Config } from "./config.ts";
import { checkDb, createDb, type Db } from "./store/prisma.ts";

/**
 * What the catalog opens: its Prisma client on PostgreSQL; Kafka (the stock-change consumers) with a
 * producer for their dead letters; Redis (the rankings). /ready checks all three: PostgreSQL through
 * the Prisma client (no pool is opened just to answer it), Kafka and Redis through createInfra.
 */
export type Clients = {
  db: Db;
  kafka: KafkaClient;
  /** Dead letters of the consumers. */
  producer: EventProducer;
  /** Rankings (sorted sets); a command waits at most 2 s, so a rankings read with Redis down is a prompt 503. */
  redis: RedisClient;
  /** What createServiceApp takes: readiness checks, logger, close. */
  shell: ServiceClients;
};

/** Creates the clients without connecting (connections open on first use). */
export function openClients(config: Config): Clients {
  const infra = createInfra(config.SERVICE_NAME);
  const db = createDb(config.DATABASE_URL, config.DB_SCHEMA, config.DATABASE_POOL_MAX);
  infra.onClose(() => db.$disconnect());
  const kafka = infra.kafka(config.KAFKA_BROKERS);
  const producer = infra.producer(kafka, { lingerMs: 2 });
  const redis = infra.redis(config.REDIS_URL, { connectionName: "catalog-rankings", commandTimeout: 2_000, maxRetriesPerRequest: 1 });
  return { db, kafka, producer, redis, shell: { ...infra.shell, checks: { ...infra.shell.checks, postgres: () => checkDb(db) } } };
}

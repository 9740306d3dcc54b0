import { createInfra, type KafkaClient, type Pool } from "@drops/clients";
import { prismaAdapter } from "@drops/db";
import type { ServiceClients } from "@drops/http";
import type { EventProducer } from "@drops/kafka";
import type { Config } from "./config.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

/** What the order service opens, all checked by /ready: PostgreSQL (pg pool + Prisma), Kafka. */
export type Clients = {
  /** pg pool on the order schema: saga transactions, outbox, payments. */
  pool: Pool;
  /** Prisma client on the order schema: the read API. */
  prisma: PrismaClient;
  kafka: KafkaClient;
  /** Publishes the outbox and dead letters. */
  producer: EventProducer;
  shell: ServiceClients;
};

/** Creates the clients without connecting (connections open on first use). */
export function openClients(config: Config): Clients {
  const infra = createInfra(config.SERVICE_NAME);
  const kafka = infra.kafka(config.KAFKA_BROKERS);
  const prisma = new PrismaClient({ adapter: prismaAdapter(config.DATABASE_URL, config.DB_SCHEMA, config.DATABASE_POOL_MAX) });
  infra.onClose(() => prisma.$disconnect());
  return {
    pool: infra.postgres(config.DATABASE_URL, { schema: config.DB_SCHEMA, max: config.DATABASE_POOL_MAX }),
    prisma,
    kafka,
    producer: infra.producer(kafka, { lingerMs: 2 }),
    shell: infra.shell,
  };
}

import { createInfra, type Infra, type KafkaClient, type Pool } from "@drops/clients";
import { prismaAdapter } from "@drops/db";
import type { ServiceClients } from "@drops/http";
import type { EventProducer } from "@drops/kafka";
import type { Config } from "./config.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createLiveHub, createRedisLiveHub, type LiveHub } from "./store/live-hub.ts";

/** What the notification service opens. /ready checks PostgreSQL and Kafka; Redis only carries the live push. */
export type Clients = {
  /** pg pool on the notification schema: consumer transactions (dedupe + insert), watchers. */
  pool: Pool;
  /** Prisma client on the notification schema: the read API and mark-as-read. */
  prisma: PrismaClient;
  kafka: KafkaClient;
  /** Dead letters of the consumer. */
  producer: EventProducer;
  /** Pushes stored notifications to the SSE streams of every instance (LIVE_PUSH=redis) or of this one (memory). */
  hub: LiveHub;
  shell: ServiceClients;
};

/** Creates the clients without connecting (connections open on first use). */
export function openClients(config: Config): Clients {
  const infra = createInfra(config.SERVICE_NAME);
  const pool = infra.postgres(config.DATABASE_URL, { schema: config.DB_SCHEMA, max: config.DATABASE_POOL_MAX });
  const prisma = new PrismaClient({ adapter: prismaAdapter(config.DATABASE_URL, config.DB_SCHEMA, config.DATABASE_POOL_MAX) });
  infra.onClose(() => prisma.$disconnect());
  const kafka = infra.kafka(config.KAFKA_BROKERS);
  const hub = config.LIVE_PUSH === "redis" ? redisHub(infra, config) : createLiveHub();
  infra.onClose(() => hub.close());
  return { pool, prisma, kafka, producer: infra.producer(kafka, { lingerMs: 2 }), hub, shell: infra.shell };
}

/** Two connections, not checked by /ready: the service stores and lists notifications without Redis. */
function redisHub(infra: Infra, config: Config): LiveHub {
  return createRedisLiveHub({
    pub: infra.redis(config.REDIS_URL, { check: false, connectionName: "notification-live-pub" }),
    // A subscriber retries its commands forever: it must survive Redis restarts.
    sub: infra.redis(config.REDIS_URL, { check: false, connectionName: "notification-live-sub", maxRetriesPerRequest: null }),
    channel: config.LIVE_CHANNEL,
    onError: (err) => infra.log()?.warn({ err, client: "redis" }, "live push error"),
  });
}

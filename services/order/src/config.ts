import { int, num, str, type ConfigOf } from "@drops/config";
import { configReaders, serviceSpec } from "@drops/http/config";

/** Every variable the order service reads (see README.md). Imports nothing instrumented. */
export const spec = {
  ...serviceSpec("order", 3003),
  DB_SCHEMA: str("orders", "PostgreSQL schema of the order tables"),
  PAYMENT_TIMEOUT_MS: int(10_000, { min: 100, max: 600_000 }, "ms a charge may take before the saga cancels the order"),
  PAYMENT_DECLINE_RATE: num(0, { min: 0, max: 1 }, "probability that the simulated provider declines an approvable charge"),
  PAYMENT_LATENCY_MS: int(50, { min: 0, max: 60_000 }, "latency of every simulated provider answer in ms"),
  PAYMENT_CONCURRENCY: int(256, { min: 1, max: 10_000 }, "charges in flight at once per instance (each in its own slot: a hanging one holds only its own)"),
  PAYMENT_LEASE_MS: int(5_000, { min: 300, max: 600_000 }, "lease of a charge in flight (renewed every third of it); a processing payment whose lease lapsed is charged again by any instance"),
  DEFAULT_CURRENCY: str("EUR", "currency of an order whose reservation carries none"),
  OUTBOX_POLL_MS: int(250, { min: 5, max: 60_000 }, "ms the outbox relay waits when it found nothing (a commit's NOTIFY wakes it sooner)"),
  OUTBOX_LINGER_MS: int(10, { min: 0, max: 1_000 }, "ms the relay waits after a commit's NOTIFY before its round, so the commits of that time leave in one round (0: at once)"),
  OUTBOX_BATCH_SIZE: int(200, { min: 1, max: 5_000 }, "outbox rows published per relay round"),
  SAGA_SWEEP_MS: int(500, { min: 10, max: 60_000 }, "ms between sweeps for payments past their deadline"),
  OUTBOX_RETENTION_MS: int(3_600_000, { min: 0 }, "ms published outbox rows are kept"),
  PROCESSED_EVENTS_RETENTION_MS: int(14 * 24 * 3_600_000, { min: 60_000 }, "ms processed event ids are kept (longer than Kafka's retention)"),
  RETENTION_INTERVAL_MS: int(60_000, { min: 100, max: 86_400_000 }, "ms between retention rounds"),
  CONSUMER_RETRY_ATTEMPTS: int(5, { min: 1, max: 100 }, "calls of a failing handler before its message is dead-lettered (a refund: marked failed)"),
  CONSUMER_CONCURRENCY: int(16, { min: 1, max: 1_000 }, "messages of different orders handled at once per fetched batch (one order's still in order)"),
  // 10 s, not kafkajs's 30 s: a dead or frozen instance's partitions move within 10 s; the consumer
  // heartbeats every second of a long wait (runConsumer), so a slow dependency does not trip it.
  CONSUMER_SESSION_TIMEOUT_MS: int(10_000, { min: 6_000, max: 300_000 }, "Kafka session timeout: how soon a dead instance's partitions move to the others"),
  // runConsumer namespaces group ids with KAFKA_TOPIC_PREFIX, like the topics.
  SAGA_CONSUMER_GROUP: str("order-saga", "Kafka consumer group of the saga"),
  PAYMENT_CONSUMER_GROUP: str("order-payments", "Kafka consumer group of the payment worker"),
};

export type Config = ConfigOf<typeof spec>;

export const { readConfig, readConfigOrExit } = configReaders(spec, "order");

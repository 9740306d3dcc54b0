/**
 * The order service's background work: the saga consumer, the payment worker, the outbox relay,
 * the payment-deadline sweeper and the retention janitor. Every part is safe with several instances running.
 */
import type { ConsumerRunner, Logger } from "@drops/kafka";
import type { Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { startPaymentWorker, startSagaConsumer } from "./consumers.ts";
import { paymentDeps, sagaDeps, type Overrides } from "./deps.ts";
import { startJanitor } from "./janitor.ts";
import { startOutboxRelay } from "./outbox/relay.ts";
import { listenForOutbox } from "./outbox/wakeup.ts";
import { startPaymentDeadlineSweeper } from "./saga/payment-deadlines.ts";

export type Runtime = { saga: ConsumerRunner; payments: ConsumerRunner; stop: () => Promise<void> };

export async function startRuntime(config: Config, clients: Clients, logger: Logger, overrides: Overrides = {}): Promise<Runtime> {
  const saga = sagaDeps(config, clients, overrides);
  const retry = { attempts: config.CONSUMER_RETRY_ATTEMPTS, initialDelayMs: 200, maxDelayMs: 5_000 };
  const session = config.CONSUMER_SESSION_TIMEOUT_MS;
  const consumerConfig = { sessionTimeout: session, heartbeatInterval: Math.max(500, Math.floor(session / 10)), rebalanceTimeout: session * 2 };
  const common = { kafka: clients.kafka, producer: clients.producer, logger, retry, consumerConfig };
  const relay = startOutboxRelay({ pool: clients.pool, producer: clients.producer, batchSize: config.OUTBOX_BATCH_SIZE, pollMs: config.OUTBOX_POLL_MS, logger });
  const wakeup = listenForOutbox({ url: config.DATABASE_URL, schema: config.DB_SCHEMA, onNotify: () => relay.wake(), logger });
  const sweeper = startPaymentDeadlineSweeper(saga, { intervalMs: config.SAGA_SWEEP_MS, logger });
  const janitor = startJanitor({
    pool: clients.pool,
    now: saga.now,
    outboxRetentionMs: config.OUTBOX_RETENTION_MS,
    processedRetentionMs: config.PROCESSED_EVENTS_RETENTION_MS,
    intervalMs: config.JANITOR_INTERVAL_MS,
    logger,
  });
  const started: ConsumerRunner[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(started.map((c) => c.stop()));
    await Promise.allSettled([wakeup.close(), relay.stop(), sweeper.stop(), janitor.stop()]);
  };
  try {
    const sagaConsumer = await startSagaConsumer(saga, { ...common, groupId: config.SAGA_CONSUMER_GROUP, partitionsConsumedConcurrently: 6 });
    started.push(sagaConsumer);
    const payments = await startPaymentWorker(paymentDeps(config, clients, overrides), {
      ...common,
      groupId: config.PAYMENT_CONSUMER_GROUP,
      partitionsConsumedConcurrently: config.PAYMENT_CONCURRENCY,
    });
    started.push(payments);
    return { saga: sagaConsumer, payments, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

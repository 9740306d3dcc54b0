/**
 * The order service's background work, every part safe with several instances running: the saga
 * consumer (cart checkouts, inventory and payment results), the payment worker (payment and refund requests), the
 * outbox relay with its NOTIFY wake-up, the payment-deadline sweeper and retention. Retries, dead
 * letters and commits are runConsumer's.
 */
import type { Workers } from "@drops/http";
import { runConsumer, type ConsumerRunner, type Logger } from "@drops/kafka";
import type { Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { cancelOrderOnPaymentFailed } from "./handlers/cancel-order-on-payment-failed.ts";
import { chargeOnPaymentRequested } from "./handlers/charge-on-payment-requested.ts";
import { confirmOrderOnStockConfirmed } from "./handlers/confirm-order-on-stock-confirmed.ts";
import { confirmStockOnPaymentSucceeded } from "./handlers/confirm-stock-on-payment-succeeded.ts";
import { createOrderOnCartCheckedOut } from "./handlers/create-order-on-cart-checked-out.ts";
import { createOrderOnStockReserved } from "./handlers/create-order-on-stock-reserved.ts";
import { expireOrderOnStockReleased } from "./handlers/expire-order-on-stock-released.ts";
import { failOrderOnRefundFailed } from "./handlers/fail-order-on-refund-failed.ts";
import { refundOnRefundRequested } from "./handlers/refund-on-refund-requested.ts";
import { refundOrderOnStockConfirmFailed } from "./handlers/refund-order-on-stock-confirm-failed.ts";
import { listenForOutbox } from "./store/outbox-wakeup.ts";
import type { PaymentDeps } from "./store/payment-provider.ts";
import type { SagaDeps } from "./store/saga-step.ts";
import { chargeAttemptLimit, createChargeRunner, type ChargeRunner } from "./workers/charges.ts";
import { startOutboxRelay } from "./workers/outbox-relay.ts";
import { startPaymentDeadlineSweeper } from "./workers/payment-deadlines.ts";
import { startRetention } from "./workers/retention.ts";

export type OrderWorkers = Workers & {
  /** The saga consumer and the payment worker, once started (tests wait for them to join and read their stats). */
  readonly saga: ConsumerRunner;
  readonly payments: ConsumerRunner;
  /** The payment worker's charges in flight. */
  readonly charges: ChargeRunner;
};

type Running = { saga: ConsumerRunner; payments: ConsumerRunner; charges: ChargeRunner; stop: () => Promise<void> };

export function createWorkers(config: Config, clients: Pick<Clients, "pool" | "kafka" | "producer">, deps: { saga: SagaDeps; payment: PaymentDeps }, logger: Logger): OrderWorkers {
  let running: Running | undefined;
  const started = (): Running => {
    if (running === undefined) throw new Error("the order workers have not been started");
    return running;
  };

  async function start(): Promise<void> {
    const { pool, producer } = clients;
    const relay = startOutboxRelay({ pool, producer, batchSize: config.OUTBOX_BATCH_SIZE, pollMs: config.OUTBOX_POLL_MS, logger });
    // A NOTIFY wakes the relay after OUTBOX_LINGER_MS: the commits of that time leave in one round
    // (one transaction and one UPDATE) instead of a round each on every instance.
    let lingering: NodeJS.Timeout | undefined;
    const wakeRelay = (): void => {
      if (config.OUTBOX_LINGER_MS === 0) return relay.wake();
      lingering ??= setTimeout(() => {
        lingering = undefined;
        relay.wake();
      }, config.OUTBOX_LINGER_MS);
    };
    const wakeup = listenForOutbox({ url: config.DATABASE_URL, schema: config.DB_SCHEMA, onNotify: wakeRelay, logger });
    const sweeper = startPaymentDeadlineSweeper(deps.saga, { intervalMs: config.SAGA_SWEEP_MS, maxChargeAttempts: chargeAttemptLimit(deps.payment.maxAttempts), logger });
    const retention = startRetention({
      pool,
      now: deps.saga.now,
      outboxRetentionMs: config.OUTBOX_RETENTION_MS,
      processedRetentionMs: config.PROCESSED_EVENTS_RETENTION_MS,
      intervalMs: config.RETENTION_INTERVAL_MS,
      logger,
    });
    const charges = createChargeRunner(deps.payment, { concurrency: config.PAYMENT_CONCURRENCY, leaseMs: config.PAYMENT_LEASE_MS, logger });
    const consumers: ConsumerRunner[] = [];
    const stop = async (): Promise<void> => {
      // The consumers first, in the same tick as the charge runner: a handler waiting for a charge slot
      // is refused by the runner and sees its consumer stopping (its message is delivered again).
      const stopping = consumers.map((c) => c.stop());
      await Promise.allSettled([...stopping, charges.stop()]);
      await Promise.allSettled([wakeup.close(), relay.stop(), sweeper.stop(), retention.stop()]);
      clearTimeout(lingering);
    };
    const session = config.CONSUMER_SESSION_TIMEOUT_MS;
    const common = {
      kafka: clients.kafka,
      producer,
      logger,
      retry: { attempts: config.CONSUMER_RETRY_ATTEMPTS, initialDelayMs: 200, maxDelayMs: 5_000 },
      consumerConfig: { sessionTimeout: session, heartbeatInterval: Math.max(500, Math.floor(session / 10)), rebalanceTimeout: session * 2 },
    };
    // Key-level parallelism: the messages of different orders in a fetched batch at once, one order's in order.
    const keyed = { concurrency: config.CONSUMER_CONCURRENCY };
    try {
      const s = deps.saga;
      const c = config.SAGA_CONSUMER_GROUP; // the processed-events namespace is the group: one saga per group
      const saga = await runConsumer({
        ...common,
        groupId: c,
        topics: [s.topics.checkouts, s.topics.inventory, s.topics.payments],
        partitionsConsumedConcurrently: 6,
        handlers: {
          StockReserved: createOrderOnStockReserved(s, c),
          CartCheckedOut: createOrderOnCartCheckedOut(s, c),
          PaymentSucceeded: confirmStockOnPaymentSucceeded(s, c),
          PaymentFailed: cancelOrderOnPaymentFailed(s, c),
          StockConfirmed: confirmOrderOnStockConfirmed(s, c),
          StockConfirmFailed: refundOrderOnStockConfirmFailed(s, c),
          StockReleased: expireOrderOnStockReleased(s, c),
          RefundFailed: failOrderOnRefundFailed(s, c),
        },
      }, keyed);
      consumers.push(saga);
      const payments = await runConsumer({
        ...common,
        groupId: config.PAYMENT_CONSUMER_GROUP,
        topics: [deps.payment.topics.payments],
        // A PaymentRequested only begins its charge (one transaction) and hands it to the charge runner,
        // so a partition is never held by a provider call.
        partitionsConsumedConcurrently: 6,
        handlers: {
          PaymentRequested: chargeOnPaymentRequested(deps.payment, charges),
          RefundRequested: refundOnRefundRequested(deps.payment),
        },
      }, keyed);
      consumers.push(payments);
      running = { saga, payments, charges, stop };
    } catch (err) {
      await stop();
      throw err;
    }
  }

  return {
    get saga() {
      return started().saga;
    },
    get payments() {
      return started().payments;
    },
    get charges() {
      return started().charges;
    },
    start,
    stop: async () => running?.stop(),
  };
}

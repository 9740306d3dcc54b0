/**
 * The order service's Kafka consumers: the saga (inventory and payment results) and the payment
 * worker (payment and refund requests). Retries, dead letters and commits are runConsumer's.
 */
import { runConsumer } from "@drops/kafka";
import type { ConsumerRunner, EventProducer, Logger, RunConsumerOptions } from "@drops/kafka";
import { cancelOrderOnPaymentFailed } from "./handlers/cancel-order-on-payment-failed.ts";
import { chargeOnPaymentRequested } from "./handlers/charge-on-payment-requested.ts";
import { confirmOrderOnStockConfirmed } from "./handlers/confirm-order-on-stock-confirmed.ts";
import { confirmStockOnPaymentSucceeded } from "./handlers/confirm-stock-on-payment-succeeded.ts";
import { createOrderOnStockReserved } from "./handlers/create-order-on-stock-reserved.ts";
import { expireOrderOnStockReleased } from "./handlers/expire-order-on-stock-released.ts";
import { failOrderOnRefundFailed } from "./handlers/fail-order-on-refund-failed.ts";
import { refundOnRefundRequested } from "./handlers/refund-on-refund-requested.ts";
import { refundOrderOnStockConfirmFailed } from "./handlers/refund-order-on-stock-confirm-failed.ts";
import type { PaymentDeps } from "./payment/deps.ts";
import type { SagaDeps } from "./saga/deps.ts";

export type ConsumerOptions = {
  kafka: RunConsumerOptions["kafka"];
  groupId: string;
  /** Dead letters go out through this producer. */
  producer?: EventProducer;
  logger?: Logger;
  retry: { attempts: number; initialDelayMs: number; maxDelayMs: number };
  partitionsConsumedConcurrently?: number;
  consumerConfig?: RunConsumerOptions["consumerConfig"];
};

export async function startSagaConsumer(deps: SagaDeps, opts: ConsumerOptions): Promise<ConsumerRunner> {
  const c = opts.groupId; // the processed-events namespace is the group: one saga per group
  return runConsumer({
    ...opts,
    topics: [deps.topics.inventory, deps.topics.payments],
    handlers: {
      StockReserved: createOrderOnStockReserved(deps, c),
      PaymentSucceeded: confirmStockOnPaymentSucceeded(deps, c),
      PaymentFailed: cancelOrderOnPaymentFailed(deps, c),
      StockConfirmed: confirmOrderOnStockConfirmed(deps, c),
      StockConfirmFailed: refundOrderOnStockConfirmFailed(deps, c),
      StockReleased: expireOrderOnStockReleased(deps, c),
      RefundFailed: failOrderOnRefundFailed(deps, c),
    },
  });
}

export async function startPaymentWorker(deps: PaymentDeps, opts: ConsumerOptions): Promise<ConsumerRunner> {
  return runConsumer({
    ...opts,
    topics: [deps.topics.payments],
    handlers: {
      PaymentRequested: chargeOnPaymentRequested(deps),
      RefundRequested: refundOnRefundRequested(deps),
    },
  });
}

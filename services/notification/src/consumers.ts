/**
 * The notification service's Kafka consumer: order outcomes (drops.orders) and released stock
 * (drops.inventory). Retries, dead letters and commits are runConsumer's; events of other types on
 * these topics are skipped without decoding.
 */
import { runConsumer } from "@drops/kafka";
import type { ConsumerRunner, EventProducer, Logger, RunConsumerOptions } from "@drops/kafka";
import type { NotifyDeps } from "./deps.ts";
import { notifyOnOrderCancelled } from "./handlers/notify-on-order-cancelled.ts";
import { notifyOnOrderConfirmed } from "./handlers/notify-on-order-confirmed.ts";
import { notifyWatchersOnStockReleased } from "./handlers/notify-watchers-on-stock-released.ts";

export type ConsumerOptions = {
  kafka: RunConsumerOptions["kafka"];
  groupId: string;
  producer?: EventProducer;
  logger?: Logger;
  retry: { attempts: number; initialDelayMs: number; maxDelayMs: number };
  partitionsConsumedConcurrently?: number;
};

export async function startNotificationConsumer(deps: NotifyDeps, opts: ConsumerOptions): Promise<ConsumerRunner> {
  const c = opts.groupId; // the processed-events namespace is the group
  return runConsumer({
    ...opts,
    topics: [deps.topics.orders, deps.topics.inventory],
    handlers: {
      OrderConfirmed: notifyOnOrderConfirmed(deps, c),
      OrderCancelled: notifyOnOrderCancelled(deps, c),
      StockReleased: notifyWatchersOnStockReleased(deps, c),
    },
  });
}

/**
 * The notification service's background work, safe with several instances: one Kafka consumer on
 * order outcomes (drops.orders) and stock snapshots (drops.stock-changes, for back in stock), and the
 * opening-soon loop (workers/opening-soon.ts). Retries, dead letters and commits are runConsumer's;
 * events of other types on these topics are skipped without decoding.
 */
import { topics } from "@drops/events";
import type { Loop, Workers } from "@drops/http";
import { runConsumer, type ConsumerRunner, type Logger } from "@drops/kafka";
import type { Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { notifyOnOrderCancelled } from "./handlers/notify-on-order-cancelled.ts";
import { notifyOnOrderConfirmed } from "./handlers/notify-on-order-confirmed.ts";
import { notifyWatchersOnStockChanged } from "./handlers/notify-watchers-on-stock-changed.ts";
import type { NotifyDeps } from "./store/notify-once.ts";
import { startOpeningSoon } from "./workers/opening-soon.ts";

/** The topics the service reads: the platform layout of @drops/events; tests may inject others. */
export type NotificationTopics = { orders: string; stockChanges: string };

export const defaultTopics: NotificationTopics = { orders: topics.orders.name, stockChanges: topics.stockChanges.name };

export type NotificationWorkers = Workers & {
  /** The consumer, once started (tests wait for it to join and read its stats). */
  readonly consumer: ConsumerRunner;
};

export function createWorkers(config: Config, clients: Pick<Clients, "kafka" | "producer">, deps: NotifyDeps, names: NotificationTopics, logger: Logger): NotificationWorkers {
  let consumer: ConsumerRunner | undefined;
  let openingSoon: Loop | undefined;
  return {
    get consumer() {
      if (consumer === undefined) throw new Error("the notification workers have not been started");
      return consumer;
    },
    async start() {
      const group = config.CONSUMER_GROUP; // also the processed-events namespace
      consumer = await runConsumer({
        kafka: clients.kafka,
        producer: clients.producer,
        logger,
        groupId: group,
        topics: [names.orders, names.stockChanges],
        retry: { attempts: config.CONSUMER_RETRY_ATTEMPTS, initialDelayMs: 200, maxDelayMs: 5_000 },
        partitionsConsumedConcurrently: 6,
        handlers: {
          OrderConfirmed: notifyOnOrderConfirmed(deps, group),
          OrderCancelled: notifyOnOrderCancelled(deps, group),
          StockChanged: notifyWatchersOnStockChanged(deps),
        },
        // Key-level parallelism: different orders (and drops) of a fetched batch at once, one key's in order.
      }, { concurrency: config.CONSUMER_CONCURRENCY });
      openingSoon = startOpeningSoon(deps, {
        leadMs: config.NOTIFY_OPENING_SOON_SECONDS * 1000,
        idleMs: config.OPENING_SOON_POLL_MS,
        batch: config.OPENING_SOON_BATCH,
        logger,
      });
    },
    stop: async () => {
      await openingSoon?.stop();
      await consumer?.stop();
    },
  };
}

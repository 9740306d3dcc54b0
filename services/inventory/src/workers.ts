/**
 * The inventory's background work, started after the app is built and stopped before it closes:
 * the stock stream relay (Redis -> Kafka + ledger), the drop opener, the hold-expiry sweeper and the
 * command consumer (drops.inventory-commands).
 */
import type { FastifyBaseLogger } from "fastify";
import { topicFor } from "@drops/events";
import type { DropsEvent } from "@drops/events";
import { createProducer, type ConsumerRunner } from "@drops/kafka";
import type { Locker } from "@drops/redis";
import type { Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import type { StockStore } from "./stock/stock-store.ts";
import { recordScriptVersion } from "./stock/scripts.ts";
import { createStockRelay } from "./relay/relay.ts";
import { ledgerSink } from "./ledger/ledger-repo.ts";
import { createOpener } from "./opening/opener.ts";
import { createSweeper } from "./sweeper/sweeper.ts";
import { runCommandConsumer } from "./consumers/run-commands.ts";

export type Workers = { start(): Promise<void>; stop(): Promise<void> };

export function createWorkers(opts: { config: Config; clients: Clients; store: StockStore; locker: Locker; logger: FastifyBaseLogger }): Workers {
  const { config, clients, store, locker, logger } = opts;
  const producer = createProducer(clients.kafka);
  const publish = (e: DropsEvent): Promise<void> => producer.publish(topicFor(e.type), null, e);
  const relay = createStockRelay({
    redis: clients.redis,
    prefix: config.STOCK_KEY_PREFIX,
    publish,
    sinks: [ledgerSink(clients.pool)],
    blockMs: config.RELAY_BLOCK_MS,
    logger: logger.child({ worker: "relay" }),
  });
  const opener = createOpener({
    pool: clients.pool,
    store,
    locker,
    leadMs: config.OPENER_LEAD_MS,
    intervalMs: config.OPENER_INTERVAL_MS,
    logger: logger.child({ worker: "opener" }),
  });
  const sweeper = createSweeper({ store, locker, intervalMs: config.SWEEPER_INTERVAL_MS, logger: logger.child({ worker: "sweeper" }) });
  let commands: ConsumerRunner | undefined;
  let started = false;

  return {
    async start() {
      if (started) return;
      started = true;
      // Before anything else: the gateway compares it with the scripts it was built with.
      await recordScriptVersion(clients.redis, config.STOCK_KEY_PREFIX);
      relay.start();
      opener.start();
      sweeper.start();
      commands = await runCommandConsumer({
        kafka: clients.kafka,
        store,
        publish,
        logger: logger.child({ worker: "commands" }),
        consumerLogger: logger.child({ worker: "commands" }),
      });
    },
    async stop() {
      if (!started) return;
      started = false;
      // In parallel (leaving the consumer group takes seconds); the producer last, as handlers publish.
      await Promise.all([commands?.stop(), opener.stop(), sweeper.stop(), relay.stop()]);
      await producer.close();
    },
  };
}

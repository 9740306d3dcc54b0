/**
 * The inventory's background work, started before the service listens and stopped before its
 * clients close: first it records the stock script version (so the gateway can check it runs the
 * same scripts), then the stock stream relay (Redis -> Kafka + ledger), the drop opener, the
 * hold-expiry sweeper, the archiver (ended drops leave the hot set), the waiting-room admitter and the command consumer (drops.inventory-commands). With WORKERS_ENABLED=false
 * buildApp returns no workers: that instance serves its routes only.
 */
import type { FastifyBaseLogger } from "fastify";
import { topicFor, topics } from "@drops/events";
import type { DropsEvent } from "@drops/events";
import type { Workers } from "@drops/http";
import { runConsumer, type ConsumerRunner, type Logger } from "@drops/kafka";
import type { Locker } from "@drops/redis";
import type { Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { confirmStockOnStockConfirmRequested, type ConfirmStockDeps } from "./handlers/confirm-stock-on-stock-confirm-requested.ts";
import { releaseStockOnStockReleaseRequested, type ReleaseStockDeps } from "./handlers/release-stock-on-stock-release-requested.ts";
import { ledgerSink } from "./store/ledger.ts";
import { recordScriptVersion } from "./store/stock/scripts.ts";
import type { StockStore } from "./store/stock/stock-store.ts";
import { createAdmitterStore } from "./store/queue/queue-store.ts";
import { createAdmitter } from "./workers/admitter.ts";
import { createOpener } from "./workers/opener.ts";
import { createStockRelay } from "./workers/relay.ts";
import { createSweeper } from "./workers/sweeper.ts";
import { createArchiver } from "./workers/archiver.ts";
import { createDueIndex } from "./store/stock/due-index.ts";

export const COMMANDS_GROUP = "inventory-commands";

/** Commands of different orders handled at once per fetched batch (each a Lua script on the stock Redis). */
export const COMMAND_CONCURRENCY = 16;

/** The command consumer: drops.inventory-commands -> the stock scripts (confirm, release / refund). */
export function runCommandConsumer(
  opts: ConfirmStockDeps & ReleaseStockDeps & { kafka: Clients["kafka"]; topic?: string; groupId?: string; consumerLogger?: Logger },
): Promise<ConsumerRunner> {
  return runConsumer({
    kafka: opts.kafka,
    groupId: opts.groupId ?? COMMANDS_GROUP,
    topics: [opts.topic ?? topics.inventoryCommands.name],
    // Several partitions at once: each still in order, and the scripts are per drop anyway.
    partitionsConsumedConcurrently: 3,
    handlers: {
      StockConfirmRequested: confirmStockOnStockConfirmRequested(opts),
      StockReleaseRequested: releaseStockOnStockReleaseRequested(opts),
    },
    ...(opts.consumerLogger ? { logger: opts.consumerLogger } : {}),
  }, { concurrency: COMMAND_CONCURRENCY }); // within a fetched batch, different orders' commands at once, one order's in order
}

export function createWorkers(opts: { config: Config; clients: Clients; store: StockStore; locker: Locker; logger: FastifyBaseLogger }): Workers {
  const { config, clients, store, locker, logger } = opts;
  const prefix = config.STOCK_KEY_PREFIX;
  const publish = (e: DropsEvent): Promise<void> => clients.producer.publish(topicFor(e.type), null, e);
  const relay = createStockRelay({
    redis: clients.redis,
    prefix,
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
  const sweeper = createSweeper({
    store,
    due: createDueIndex(clients.redis, { prefix }),
    locker,
    intervalMs: config.SWEEPER_INTERVAL_MS,
    auditMs: config.SWEEPER_AUDIT_MS,
    logger: logger.child({ worker: "sweeper" }),
  });
  const archiver = createArchiver({
    redis: clients.redis,
    pool: clients.pool,
    store,
    prefix,
    locker,
    intervalMs: config.ARCHIVER_INTERVAL_MS,
    quietMs: config.ARCHIVE_QUIET_MS,
    logger: logger.child({ worker: "archiver" }),
  });
  const admitter = createAdmitter({
    pool: clients.pool,
    queues: createAdmitterStore(clients.redis, { prefix }),
    locker,
    admissionTtlMs: config.ADMISSION_TTL_SECONDS * 1000,
    intervalMs: config.ADMITTER_INTERVAL_MS,
    leadMs: config.OPENER_LEAD_MS,
    logger: logger.child({ worker: "admitter" }),
  });
  let commands: ConsumerRunner | undefined;
  let started = false;

  return {
    async start() {
      if (started) return;
      started = true;
      // Before the gateway needs it: it compares this with the scripts it was built with.
      await recordScriptVersion(clients.redis, prefix);
      relay.start();
      opener.start();
      sweeper.start();
      archiver.start();
      admitter.start();
      const commandLogger = logger.child({ worker: "commands" });
      commands = await runCommandConsumer({ kafka: clients.kafka, store, publish, now: Date.now, logger: commandLogger, consumerLogger: commandLogger });
      logger.info("inventory workers started (relay, opener, sweeper, archiver, admitter, command consumer)");
    },
    async stop() {
      if (!started) return;
      started = false;
      // In parallel (leaving the consumer group takes seconds); the producer closes with the app, after these.
      await Promise.all([commands?.stop(), opener.stop(), sweeper.stop(), archiver.stop(), admitter.stop(), relay.stop()]);
      commands = undefined;
    },
  };
}

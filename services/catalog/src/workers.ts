import type { FastifyBaseLogger } from "fastify";
import { topics } from "@drops/events";
import type { Workers } from "@drops/http";
import { runConsumer, type ConsumerRunner } from "@drops/kafka";
import type { Clients } from "./clients.ts";
import { DEFAULT_ADMIN_PASSWORD, type Config } from "./config.ts";
import { rankOnStockChanged } from "./handlers/rank-on-stock-changed.ts";
import { updateStockOnStockChanged } from "./handlers/update-stock-on-stock-changed.ts";
import type { Db } from "./store/prisma.ts";
import type { Rankings } from "./store/rankings.ts";
import { ensureAdmin } from "./store/users.ts";

/** The topic the consumers read: the platform's drops.stock-changes; tests inject a unique one. */
export type CatalogTopics = { stockChanges: string };
export const defaultTopics: CatalogTopics = { stockChanges: topics.stockChanges.name };

export type CatalogWorkers = Workers & {
  /** The consumers, once started (tests wait for them to join and read their stats). */
  readonly consumers: { stock: ConsumerRunner; rankings: ConsumerRunner };
};

type Deps = {
  db: Db;
  config: Config;
  log: FastifyBaseLogger;
  clients: Pick<Clients, "kafka" | "producer">;
  rankings: Rankings;
  topics?: CatalogTopics;
};

/**
 * The catalog's background work. At start, before the service listens, it ensures the admin from
 * ADMIN_EMAIL / ADMIN_PASSWORD (a database not reachable yet is logged, not fatal: the service stays
 * up, not ready, and `node scripts/seed.ts` does the same). Then two consumers of the inventory's
 * StockChanged snapshots, each its own group so one never holds the other back: `<group>.stock`
 * keeps the drops' and products' stock figures that search reads, `<group>.rankings` the sold-units
 * rankings in Redis. Both start from the beginning of the compacted topic when their group is new
 * (the latest snapshot of every item), so a fresh catalog or a reset ranking rebuilds itself.
 */
export function createWorkers(deps: Deps): CatalogWorkers {
  const { db, config, log, clients, rankings } = deps;
  const names = deps.topics ?? defaultTopics;
  let stock: ConsumerRunner | undefined;
  let ranked: ConsumerRunner | undefined;
  const consumer = (group: string, handler: ReturnType<typeof updateStockOnStockChanged>) =>
    runConsumer(
      {
        kafka: clients.kafka,
        producer: clients.producer,
        logger: log,
        groupId: `${config.CONSUMER_GROUP}.${group}`,
        topics: [names.stockChanges],
        retry: { attempts: config.CONSUMER_RETRY_ATTEMPTS, initialDelayMs: 200, maxDelayMs: 5_000 },
        partitionsConsumedConcurrently: 6,
        handlers: { StockChanged: handler },
      },
      // Key-level parallelism: different stock items of a fetched batch at once, one item's in order.
      { concurrency: config.CONSUMER_CONCURRENCY },
    );
  return {
    get consumers() {
      if (!stock || !ranked) throw new Error("the catalog workers have not been started");
      return { stock, rankings: ranked };
    },
    async start() {
      await seedAdmin(deps);
      // A second start only ensures the admin again (the consumers run once).
      stock ??= await consumer("stock", updateStockOnStockChanged(db, log));
      ranked ??= await consumer("rankings", rankOnStockChanged(db, rankings));
    },
    stop: async () => {
      await Promise.all([stock?.stop(), ranked?.stop()]);
    },
  };
}

async function seedAdmin({ db, config, log }: Deps): Promise<void> {
  if (config.NODE_ENV === "production" && config.ADMIN_PASSWORD === DEFAULT_ADMIN_PASSWORD) {
    log.warn("ADMIN_PASSWORD is the documented development default; set your own in production");
  }
  try {
    const { userId, created } = await ensureAdmin(db, config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
    log.info({ userId, email: config.ADMIN_EMAIL, created }, created ? "admin created" : "admin present");
  } catch (err) {
    log.error({ err }, "could not ensure the admin account; run node scripts/seed.ts once the database is up");
  }
}

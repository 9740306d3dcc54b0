/**
 * The stock stream relay: the inventory's outbox relay from Redis to Kafka (and the ledger).
 *
 * Each loaded drop has a stream `{drop:<id>}:events` written by the stock scripts. A relay instance
 * leases a drop stream (so one instance reads a drop at a time and its events reach Kafka in stream
 * order), reads it with XREADGROUP in the consumer group `group`, publishes the mapped events with
 * the batching producer, hands the entries to the sinks (the ledger), and XACKs only after all of
 * that succeeded, then trims what is acknowledged. When an instance dies, its leases expire; the
 * next owner XAUTOCLAIMs the entries the dead one had read but not acknowledged and publishes them
 * again with the same event ids (derived from the entry ids), which consumers dedupe.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { DropsEvent } from "@drops/events";
import type { Redis } from "../stock/scripts.ts";
import { dropIndexKey } from "../stock/keys.ts";
import { createStreamGroup, type RawEntry } from "./stream-group.ts";
import { parseStreamEntry, type StockStreamEntry } from "./stream-entry.ts";
import { toEvents } from "./to-events.ts";

export type Publish = (event: DropsEvent) => Promise<void>;
export type EntrySink = (dropId: string, entries: readonly StockStreamEntry[]) => Promise<void>;

export type RelayLogger = { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

export type RelayOptions = {
  /** Connection for the non-blocking commands (leases, ack, trim). */
  redis: Redis;
  /** Connection for the blocking XREADGROUP; default `redis.duplicate()` (closed by stop). */
  reader?: Redis;
  /** Publishes one event and resolves when Kafka acked it (producer.publish(topicFor(type), null, e)). */
  publish: Publish;
  /** Run with each batch before it is acknowledged (e.g. the ledger); must be idempotent per entry. */
  sinks?: readonly EntrySink[];
  prefix?: string;
  /** Consumer group on every drop stream. Default `inventory-relay`. */
  group?: string;
  /** Unique per instance. Default `<hostname>-<pid>-<random>`. */
  consumer?: string;
  /** Entries per read. Default 500. */
  batch?: number;
  /** XREADGROUP BLOCK. Default 200 ms. */
  blockMs?: number;
  /** Lease of a drop stream; renewed every third of it. Default 10 000 ms. */
  leaseMs?: number;
  /** Pause after a failed round. Default 500 ms. */
  retryDelayMs?: number;
  logger?: RelayLogger;
  /** Test hook: runs after publishing and the sinks, before XACK. */
  beforeAck?: (dropId: string, entries: readonly StockStreamEntry[]) => Promise<void>;
};

export type RelayStats = { published: number; acked: number; reclaimed: number; malformed: number; errors: number; owned: number };

export type StockRelay = {
  readonly consumer: string;
  start(): void;
  /** One round: refresh leases, reclaim, read, publish, ack. Returns the number of entries relayed. */
  runOnce(): Promise<number>;
  /** Ends the loop after the round in flight, gives up the leases, closes the reader it created. */
  stop(): Promise<void>;
  stats(): RelayStats;
};

const silent: RelayLogger = { warn: () => undefined, error: () => undefined };

export function createStockRelay(opts: RelayOptions): StockRelay {
  const prefix = opts.prefix ?? "";
  const consumer = opts.consumer ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const ownReader = opts.reader === undefined;
  const reader = opts.reader ?? opts.redis.duplicate();
  const group = createStreamGroup({ redis: opts.redis, reader, prefix, group: opts.group ?? "inventory-relay", consumer });
  const batch = opts.batch ?? 500;
  const blockMs = opts.blockMs ?? 200;
  const leaseMs = opts.leaseMs ?? 10_000;
  const log = opts.logger ?? silent;
  const sinks = opts.sinks ?? [];
  const stats: RelayStats = { published: 0, acked: 0, reclaimed: 0, malformed: 0, errors: 0, owned: 0 };
  /** drop id -> when the lease was last taken or kept. */
  const owned = new Map<string, number>();
  /** drop id -> when we last tried to take a lease someone else holds. */
  const tried = new Map<string, number>();
  /** Owned drops whose group exists and whose pending entries were reclaimed by this instance. */
  const ready = new Set<string>();
  let running = false;
  let loop: Promise<void> | undefined;
  let keeper: NodeJS.Timeout | undefined;

  /**
   * Renews the leases held, on its own timer: a round stuck on a Kafka outage must not let its
   * leases lapse (another instance would then publish the same drop's entries concurrently).
   */
  async function keepLeases(): Promise<void> {
    for (const dropId of [...owned.keys()]) {
      const r = await group.lease(dropId, leaseMs);
      if (r === "busy") {
        owned.delete(dropId);
        ready.delete(dropId);
        log.warn({ dropId }, "relay lease lost");
      } else owned.set(dropId, Date.now());
    }
  }

  async function relay(dropId: string, raw: readonly RawEntry[]): Promise<number> {
    if (raw.length === 0) return 0;
    const entries: StockStreamEntry[] = [];
    for (const [id, fields] of raw) {
      try {
        entries.push(parseStreamEntry(id, fields));
      } catch (err) {
        // Written by our own scripts, so this is a bug; acknowledged below so the drop is not stuck.
        stats.malformed += 1;
        log.error({ err, dropId, streamId: id }, "malformed stock stream entry skipped");
      }
    }
    if (entries.length > 0) {
      const events = toEvents(entries, await group.dropState(dropId));
      await Promise.all([...events.map((e) => opts.publish(e)), ...sinks.map((s) => s(dropId, entries))]);
      stats.published += events.length;
      await opts.beforeAck?.(dropId, entries);
    }
    await group.ackAndTrim(dropId, raw.map(([id]) => id));
    stats.acked += raw.length;
    return raw.length;
  }

  async function refreshLeases(): Promise<void> {
    const now = Date.now();
    const ids = await opts.redis.smembers(dropIndexKey(prefix));
    for (const dropId of ids) {
      const last = owned.get(dropId) ?? tried.get(dropId);
      const initialised = ready.has(dropId) || !owned.has(dropId);
      if (last !== undefined && now - last < leaseMs / 3 && initialised) continue;
      const r = await group.lease(dropId, leaseMs);
      if (r === "busy") {
        owned.delete(dropId);
        ready.delete(dropId);
        tried.set(dropId, now);
        continue;
      }
      owned.set(dropId, now);
      tried.delete(dropId);
      if (r === "taken" || !ready.has(dropId)) {
        // A new owner first finishes what the previous one read but never acknowledged.
        await group.ensureGroup(dropId);
        for (;;) {
          const pending = await group.claim(dropId, 0, batch);
          if (pending.length === 0) break;
          stats.reclaimed += pending.length;
          await relay(dropId, pending);
        }
        ready.add(dropId);
      }
    }
    stats.owned = owned.size;
  }

  async function runOnce(): Promise<number> {
    await refreshLeases();
    const drops = [...owned.keys()].filter((d) => ready.has(d));
    if (drops.length === 0) {
      await new Promise((r) => setTimeout(r, blockMs));
      return 0;
    }
    const read = await group.readNew(drops, batch, blockMs);
    let n = 0;
    for (const [dropId, raw] of read) n += await relay(dropId, raw);
    return n;
  }

  return {
    consumer,
    stats: () => ({ ...stats }),
    runOnce,
    start() {
      if (running) return;
      running = true;
      keeper = setInterval(() => {
        keepLeases().catch((err: unknown) => log.warn({ err }, "relay lease renewal failed"));
      }, Math.max(50, Math.floor(leaseMs / 3)));
      keeper.unref();
      loop = (async () => {
        while (running) {
          try {
            await runOnce();
          } catch (err) {
            stats.errors += 1;
            // NOGROUP: the stream was deleted and recreated (e.g. after a resync); take the lease afresh.
            ready.clear();
            log.warn({ err }, "stock relay round failed; retrying");
            if (running) await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 500));
          }
        }
      })();
    },
    async stop() {
      running = false;
      clearInterval(keeper);
      await loop;
      for (const dropId of owned.keys()) await group.releaseLease(dropId).catch(() => undefined);
      owned.clear();
      ready.clear();
      if (ownReader) reader.disconnect();
    },
  };
}

/**
 * The stock stream relay: the inventory's outbox relay from Redis to Kafka (and the ledger).
 *
 * Each loaded drop has a stream `{drop:<id>}:events` written by the stock scripts. The relay reads the
 * streams of the hot set (`stock:drops`) only: a drop that leaves it (archived) is let go of (lease
 * released) at the next round. A relay instance
 * leases a drop stream (so one instance reads a drop at a time and its events reach Kafka in stream
 * order), reads it with XREADGROUP in the consumer group `group`, publishes the mapped events with
 * the batching producer, hands the entries to the sinks (the ledger), and XACKs only after all of
 * that succeeded, then trims what is acknowledged. When an instance dies, its leases expire; the
 * next owner XAUTOCLAIMs the entries the dead one had read but not acknowledged and publishes them
 * again with the same event ids (derived from the entry ids), which consumers dedupe.
 *
 * The rounds run on startLoop: refresh leases -> read -> relay each batch (parse, deliver, ack).
 * The lease keeper renews the leases held on its own (unref'd) timer, so a round stuck on a Kafka
 * outage does not let them lapse (another instance would then publish the same drop's entries
 * concurrently), and a relay that is never stopped does not hold the process open.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { DropsEvent } from "@drops/events";
import { startLoop, type Loop } from "@drops/http";
import type { Redis } from "../store/stock/scripts.ts";
import { dropIndexKey } from "../store/stock/keys.ts";
import { createStreamGroup, type RawEntry } from "../store/relay/stream-group.ts";
import { parseStreamEntry, type StockStreamEntry } from "../domain/stream-entry.ts";
import { toEvents } from "../domain/to-events.ts";

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
  let loop: Loop | undefined;
  let keeper: NodeJS.Timeout | undefined;

  function loseLease(dropId: string): void {
    owned.delete(dropId);
    ready.delete(dropId);
  }

  /** The lease keeper's round: renews every lease held (a lost one is dropped). */
  async function keepLeases(): Promise<void> {
    for (const dropId of [...owned.keys()]) {
      if ((await group.lease(dropId, leaseMs)) === "busy") {
        loseLease(dropId);
        log.warn({ dropId }, "relay lease lost");
      } else owned.set(dropId, Date.now());
    }
  }

  /** Parses a batch; a malformed entry (a bug in our own scripts) is logged and skipped, not retried. */
  function parseEntries(dropId: string, raw: readonly RawEntry[]): StockStreamEntry[] {
    const entries: StockStreamEntry[] = [];
    for (const [id, fields] of raw) {
      try {
        entries.push(parseStreamEntry(id, fields));
      } catch (err) {
        stats.malformed += 1;
        log.error({ err, dropId, streamId: id }, "malformed stock stream entry skipped");
      }
    }
    return entries;
  }

  /** Publishes the batch's events and runs the sinks; resolves once Kafka and every sink have them. */
  async function deliver(dropId: string, entries: readonly StockStreamEntry[]): Promise<void> {
    const events = toEvents(entries, await group.dropState(dropId));
    await Promise.all([...events.map((e) => opts.publish(e)), ...sinks.map((s) => s(dropId, entries))]);
    stats.published += events.length;
    await opts.beforeAck?.(dropId, entries);
  }

  /** One batch of one drop: parse, deliver, then XACK (and trim) every entry, malformed ones included. */
  async function relayBatch(dropId: string, raw: readonly RawEntry[]): Promise<number> {
    if (raw.length === 0) return 0;
    const entries = parseEntries(dropId, raw);
    if (entries.length > 0) await deliver(dropId, entries);
    await group.ackAndTrim(dropId, raw.map(([id]) => id));
    stats.acked += raw.length;
    return raw.length;
  }

  /** A new owner first finishes what the previous one read but never acknowledged. */
  async function takeOver(dropId: string): Promise<void> {
    await group.ensureGroup(dropId);
    for (;;) {
      const pending = await group.claim(dropId, 0, batch);
      if (pending.length === 0) break;
      stats.reclaimed += pending.length;
      await relayBatch(dropId, pending);
    }
    ready.add(dropId);
  }

  /** Gives up the drops that left the hot set (archived: hot-set.ts), so the archiver may compact their streams. */
  async function letGo(hot: ReadonlySet<string>): Promise<void> {
    for (const dropId of tried.keys()) if (!hot.has(dropId)) tried.delete(dropId);
    for (const dropId of [...owned.keys()]) {
      if (hot.has(dropId)) continue;
      loseLease(dropId);
      await group.releaseLease(dropId);
    }
  }

  /** Takes or keeps the lease of every hot drop (at most every third of the lease per drop); lets go of the others. */
  async function refreshLeases(): Promise<void> {
    const now = Date.now();
    const hot = await opts.redis.smembers(dropIndexKey(prefix));
    await letGo(new Set(hot));
    for (const dropId of hot) {
      const last = owned.get(dropId) ?? tried.get(dropId);
      const initialised = ready.has(dropId) || !owned.has(dropId);
      // an owned lease is the keeper's to renew (every third of it); the round steps in only when the
      // keeper missed a turn, so an idle stream costs one renewal per third of the lease, not two
      const window = owned.has(dropId) && ready.has(dropId) ? (2 * leaseMs) / 3 : leaseMs / 3;
      if (last !== undefined && now - last < window && initialised) continue;
      const r = await group.lease(dropId, leaseMs);
      if (r === "busy") {
        loseLease(dropId);
        tried.set(dropId, now);
        continue;
      }
      owned.set(dropId, now);
      tried.delete(dropId);
      if (r === "taken" || !ready.has(dropId)) await takeOver(dropId);
    }
    stats.owned = owned.size;
  }

  /** Reads new entries of the drops this instance leases (blocking up to blockMs) and relays them. */
  async function relayOwned(): Promise<number> {
    const drops = [...owned.keys()].filter((d) => ready.has(d));
    if (drops.length === 0) {
      await sleep(blockMs);
      return 0;
    }
    let n = 0;
    for (const [dropId, raw] of await group.readNew(drops, batch, blockMs)) n += await relayBatch(dropId, raw);
    return n;
  }

  async function runOnce(): Promise<number> {
    await refreshLeases();
    return relayOwned();
  }

  /** A failed round: counted, logged, and every owned drop taken afresh (NOGROUP after a resync recreated the stream). */
  function roundFailed(err: unknown): void {
    stats.errors += 1;
    ready.clear();
    log.warn({ err }, "stock relay round failed; retrying");
  }

  return {
    consumer,
    stats: () => ({ ...stats }),
    runOnce,
    start() {
      if (loop) return;
      keeper = setInterval(() => {
        keepLeases().catch((err: unknown) => log.warn({ err }, "relay lease renewal failed"));
      }, Math.max(50, Math.floor(leaseMs / 3)));
      keeper.unref();
      loop = startLoop("stock relay", {
        // The XREADGROUP BLOCK is the wait between rounds; idleMs only follows a failed round.
        idleMs: opts.retryDelayMs ?? 500,
        round: async () => {
          try {
            await runOnce();
            return true;
          } catch (err) {
            roundFailed(err);
            return false;
          }
        },
      });
    },
    async stop() {
      clearInterval(keeper);
      const running = loop;
      loop = undefined;
      await running?.stop();
      for (const dropId of owned.keys()) await group.releaseLease(dropId).catch(() => undefined);
      owned.clear();
      ready.clear();
      if (ownReader) reader.disconnect();
    },
  };
}

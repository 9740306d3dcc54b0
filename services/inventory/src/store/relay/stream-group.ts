/**
 * The Redis side of the relay: one consumer group per drop stream, a lease per drop stream so one
 * relay instance at a time reads it (per-drop order on Kafka), pending-entry reclaim, ack and trim.
 */
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { defineScripts, isCluster } from "@drops/redis";
import type { Redis } from "../stock/scripts.ts";
import { dropKeys, relayLeaseKey } from "../stock/keys.ts";
import type { DropState } from "../../domain/to-events.ts";

const LEASE_LUA_DIR = fileURLToPath(new URL("./lua/", import.meta.url));

export type RawEntry = [id: string, fields: string[]];

export type LeaseResult = "taken" | "kept" | "busy";

export type StreamGroup = {
  streamKey(dropId: string): string;
  lease(dropId: string, ttlMs: number): Promise<LeaseResult>;
  releaseLease(dropId: string): Promise<void>;
  /** XGROUP CREATE ... 0 MKSTREAM; an existing group is fine. */
  ensureGroup(dropId: string): Promise<void>;
  /** XAUTOCLAIM everything pending in the group that has been idle >= minIdleMs, to this consumer. */
  claim(dropId: string, minIdleMs: number, count: number): Promise<RawEntry[]>;
  /** XREADGROUP > on several drop streams (blocking on `reader`). */
  readNew(dropIds: readonly string[], count: number, blockMs: number): Promise<Map<string, RawEntry[]>>;
  /** XACK, then XTRIM MINID below the oldest entry still pending (or after the last acked one). */
  ackAndTrim(dropId: string, ids: readonly string[]): Promise<void>;
  /** Meta fields the relay needs for the events (status and start for snapshots, kind for the saga events). */
  dropState(dropId: string): Promise<DropState>;
};

export function createStreamGroup(opts: { redis: Redis; reader: Redis; prefix: string; group: string; consumer: string }): StreamGroup {
  const { redis, reader, prefix, group, consumer } = opts;
  const scripts = defineScripts(redis, LEASE_LUA_DIR);
  const keys = (dropId: string) => dropKeys(dropId, prefix);
  const leaseKey = (dropId: string): string => relayLeaseKey(dropId, prefix);
  const dropOfStream = new Map<string, string>();

  const streamKey = (dropId: string): string => {
    const k = keys(dropId).events;
    dropOfStream.set(k, dropId);
    return k;
  };

  return {
    streamKey,
    async lease(dropId, ttlMs) {
      const r = Number(await scripts.run("relayLease", [leaseKey(dropId)], [consumer, ttlMs]));
      return r === 2 ? "taken" : r === 1 ? "kept" : "busy";
    },
    async releaseLease(dropId) {
      await scripts.run("relayLease", [leaseKey(dropId)], [consumer, 0]);
    },
    async ensureGroup(dropId) {
      try {
        await redis.xgroup("CREATE", streamKey(dropId), group, "0", "MKSTREAM");
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith("BUSYGROUP")) throw err;
      }
    },
    async claim(dropId, minIdleMs, count) {
      const out: RawEntry[] = [];
      let cursor = "0-0";
      do {
        const r = (await redis.xautoclaim(streamKey(dropId), group, consumer, minIdleMs, cursor, "COUNT", count)) as [string, (RawEntry | null)[], string[]?];
        cursor = r[0];
        for (const e of r[1]) if (e) out.push(e);
        const deleted = r[2] ?? [];
        if (deleted.length > 0) await redis.xack(streamKey(dropId), group, ...deleted);
      } while (cursor !== "0-0" && out.length < count);
      return out;
    },
    async readNew(dropIds, count, blockMs) {
      const out = new Map<string, RawEntry[]>();
      if (dropIds.length === 0) return out;
      const streams = dropIds.map(streamKey);
      const r = isCluster(reader) ? await readEachSlot(reader, { group, consumer }, streams, count, blockMs) : ((await reader.xreadgroup(
        "GROUP", group, consumer, "COUNT", count, "BLOCK", blockMs, "STREAMS", ...streams, ...streams.map(() => ">"),
      )) as [string, RawEntry[]][] | null);
      for (const [stream, entries] of r ?? []) {
        const dropId = dropOfStream.get(stream);
        if (dropId !== undefined && entries.length > 0) out.set(dropId, entries);
      }
      return out;
    },
    async ackAndTrim(dropId, ids) {
      if (ids.length === 0) return;
      const stream = streamKey(dropId);
      await redis.xack(stream, group, ...ids);
      const [count, minPending] = (await redis.xpending(stream, group)) as [number, string | null, ...unknown[]];
      const last = ids.reduce((a, b) => (compareIds(a, b) >= 0 ? a : b));
      const after = nextId(last);
      const minId = count > 0 && minPending !== null && compareIds(minPending, after) < 0 ? minPending : after;
      await redis.xtrim(stream, "MINID", minId);
    },
    async dropState(dropId) {
      const [status, startsAtMs, kind] = await redis.hmget(keys(dropId).meta, "status", "startsAtMs", "kind");
      return { status: status ?? "unknown", startsAtMs: Number(startsAtMs ?? 0), kind: kind === "product" ? "product" : "drop" };
    },
  };
}

/**
 * On a Redis Cluster the drops' streams are in different slots, and one XREADGROUP may name keys of
 * one slot only: each stream is read on its own (no BLOCK: blocking reads to one node would queue
 * behind each other on its connection), all at once; when none has anything new, the round waits
 * `blockMs` (RELAY_BLOCK_MS is then the poll period: a new entry waits at most that long).
 */
async function readEachSlot(
  reader: Redis, as: { group: string; consumer: string }, streams: readonly string[], count: number, blockMs: number,
): Promise<[string, RawEntry[]][]> {
  const read = (stream: string) => reader.xreadgroup("GROUP", as.group, as.consumer, "COUNT", count, "STREAMS", stream, ">") as Promise<[string, RawEntry[]][] | null>;
  const replies = await Promise.all(streams.map(read));
  const found = replies.flatMap((r) => r ?? []).filter(([, entries]) => entries.length > 0);
  if (found.length === 0) await sleep(blockMs);
  return found;
}

function parts(id: string): [bigint, bigint] {
  const [a, b] = id.split("-");
  return [BigInt(a ?? "0"), BigInt(b ?? "0")];
}

export function compareIds(a: string, b: string): number {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

function nextId(id: string): string {
  const [ms, seq] = parts(id);
  return `${ms}-${seq + 1n}`;
}

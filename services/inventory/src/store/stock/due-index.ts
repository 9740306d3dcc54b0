/**
 * The due index (`<prefix>stock:due`, keys.ts): which stock items have a hold that may be due, scored
 * by the earliest expiry the item may have. The sweeper reads only the members whose score has passed,
 * so an idle item (no hold) costs it nothing. The index is a global key (no hash tag), so it is never
 * written inside a per-item script (which on a Redis Cluster may touch one slot only); every write here
 * is a call of its own, after the item's script:
 *
 * - whoever creates a hold (reserve, the admitted reserve, a resync) then marks the item with
 *   `ZADD LT <expiresAtMs>` (markDue): the score only ever goes down, to the earliest hold;
 * - the sweeper, after releasing an item's due holds, sets the score to the item's earliest remaining
 *   hold (or removes the item when it has none) and then reads the item's earliest hold again and marks
 *   it (reindexDue). A hold created while the sweeper was at it is therefore either seen by that second
 *   read or marked by its creator after it: it is never left out.
 * - A creator that dies between its hold and its mark leaves a hold the index does not know: auditDue
 *   (the sweeper, every SWEEPER_AUDIT_MS) marks every item of the hot set with its earliest hold.
 */
import { dropIndexKey, dropKeys, dueIndexKey } from "./keys.ts";
import type { Redis } from "./scripts.ts";

type ZRedis = Pick<Redis, "zadd" | "zrem" | "zrange" | "zrangebyscore" | "smembers" | "time">;

/** Marks the item as having a hold expiring at `expiresAtMs` (ZADD LT: never raises its score). */
export async function markDue(redis: Pick<Redis, "zadd">, prefix: string, dropId: string, expiresAtMs: number): Promise<void> {
  await redis.zadd(dueIndexKey(prefix), "LT", expiresAtMs, dropId);
}

/**
 * markDue for the purchase path: sent right after the reserve's reply on the same connection, but not
 * waited for, so a buyer's answer costs one round trip as before. A mark that fails (a timeout, the
 * process gone) leaves the hold to the sweeper's audit (SWEEPER_AUDIT_MS), which marks it then.
 */
export function markDueSoon(redis: Pick<Redis, "zadd">, prefix: string, dropId: string, expiresAtMs: number): void {
  markDue(redis, prefix, dropId, expiresAtMs).catch(() => undefined);
}

/** The item's earliest hold still in its expiry zset (ms), or null when it has none. */
async function earliestHold(redis: ZRedis, prefix: string, dropId: string): Promise<number | null> {
  const head = await redis.zrange(dropKeys(dropId, prefix).expiry, 0, 0, "WITHSCORES");
  return head.length >= 2 ? Number(head[1]) : null;
}

export type DueIndex = {
  /** Redis server time (ms): the clock of the holds' expiry. */
  now(): Promise<number>;
  /** Up to `limit` item ids whose score is <= nowMs. */
  due(nowMs: number, limit: number): Promise<string[]>;
  /** After the sweeper released an item's due holds: its score follows its earliest remaining hold. */
  reindex(dropId: string): Promise<void>;
  /** Marks every item of the hot set that has a hold (the backstop for a creator that died before marking). */
  audit(): Promise<number>;
};

export function createDueIndex(redis: Redis, opts: { prefix?: string } = {}): DueIndex {
  const prefix = opts.prefix ?? "";
  const key = dueIndexKey(prefix);
  return {
    async now() {
      const [s, us] = await redis.time();
      return Number(s) * 1000 + Math.floor(Number(us) / 1000);
    },
    due: (nowMs, limit) => redis.zrangebyscore(key, "-inf", nowMs, "LIMIT", 0, limit),
    async reindex(dropId) {
      const first = await earliestHold(redis, prefix, dropId);
      if (first === null) await redis.zrem(key, dropId);
      else await redis.zadd(key, first, dropId);
      const again = await earliestHold(redis, prefix, dropId);
      if (again !== null) await markDue(redis, prefix, dropId, again);
    },
    async audit() {
      const ids = await redis.smembers(dropIndexKey(prefix));
      const heads = await Promise.all(ids.map(async (id) => [id, await earliestHold(redis, prefix, id)] as const));
      const held = heads.filter((h): h is readonly [string, number] => h[1] !== null);
      await Promise.all(held.map(([id, at]) => markDue(redis, prefix, id, at)));
      return held.length;
    },
  };
}

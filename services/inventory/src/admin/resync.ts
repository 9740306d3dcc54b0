/**
 * Resync: rebuild a drop's live stock in Redis from the ledger (after Redis lost data, or when the
 * check reports a difference). Under the Redlock `drop:<id>:resync`; the fencing token goes into the
 * resync script, which refuses a token older than the last resync's. The stream tail is first written
 * to the ledger (idempotent, like the relay), and the script checks that no entry was added since
 * (else it answers CHANGED and we go round again), so no reservation is lost in between.
 */
import type { Locker } from "@drops/redis";
import { LockNotAcquiredError } from "@drops/redis";
import type { Pool } from "../db.ts";
import type { Redis } from "../stock/scripts.ts";
import type { StockStore } from "../stock/stock-store.ts";
import { findDrop } from "../ledger/drops-repo.ts";
import { appendEntries, ledgerCounters, ledgerHolds } from "../ledger/ledger-repo.ts";
import { readLiveView } from "./stream-tail.ts";

export const resyncLockName = (dropId: string): string => `drop:${dropId}:resync`;

export type ResyncResult =
  | { status: "RESYNCED"; fence: number; available: number; held: number; sold: number; total: number; holds: number }
  | { status: "BUSY" }
  | { status: "UNKNOWN_DROP" }
  | { status: "NOT_OPENED" }
  | { status: "STALE_FENCE" }
  | { status: "CHANGING" };

export type ResyncDeps = { redis: Redis; pool: Pool; store: Pick<StockStore, "resync">; locker: Pick<Locker, "withLock">; prefix?: string };

export async function resyncDrop(deps: ResyncDeps, dropId: string, opts: { lockTtlMs?: number; attempts?: number } = {}): Promise<ResyncResult> {
  const drop = await findDrop(deps.pool, dropId);
  if (!drop) return { status: "UNKNOWN_DROP" };
  try {
    return await deps.locker.withLock(
      resyncLockName(dropId),
      opts.lockTtlMs ?? 10_000,
      async (token): Promise<ResyncResult> => {
        for (let attempt = 0; attempt < (opts.attempts ?? 5); attempt++) {
          const live = await readLiveView(deps.redis, dropId, deps.prefix ?? "");
          await appendEntries(deps.pool, dropId, live.tail);
          const { rows, ...counters } = await ledgerCounters(deps.pool, dropId);
          if (rows === 0) return { status: "NOT_OPENED" };
          const holds = await ledgerHolds(deps.pool, dropId);
          const r = await deps.store.resync({
            dropId,
            fence: token,
            lastStreamId: live.lastStreamId,
            counters,
            schedule: { startsAtMs: drop.startsAtMs, perBuyerLimit: drop.perBuyerLimit, holdMs: drop.holdMs },
            holds,
          });
          if (r.status === "RESYNCED") {
            return { status: "RESYNCED", fence: token, available: counters.available, held: counters.held, sold: counters.sold, total: counters.total + counters.adjustments, holds: holds.length };
          }
          if (r.status === "STALE_FENCE") return { status: "STALE_FENCE" };
        }
        return { status: "CHANGING" };
      },
      { retryCount: 0 },
    );
  } catch (err) {
    if (err instanceof LockNotAcquiredError) return { status: "BUSY" };
    throw err;
  }
}

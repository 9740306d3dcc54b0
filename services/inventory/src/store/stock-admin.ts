/**
 * Stock control of one drop across Redis and the ledger (the internal admin routes and the
 * reconciliation command use it):
 * - checkDropStock: Redis vs ledger. The comparison is exact at one instant: the live counters and
 *   the stream tail are read in one MULTI, the ledger is counted only up to the stream's last entry
 *   id at that instant, and the tail entries the ledger does not have yet (not relayed) are added.
 * - resyncDrop: rebuild a drop's live stock in Redis from the ledger (after Redis lost data, or when
 *   the check reports a difference). Under the Redlock `drop:<id>:resync`; the fencing token goes
 *   into the resync script, which refuses a token older than the last resync's. The stream tail is
 *   first written to the ledger (idempotent, like the relay), and the script checks that no entry
 *   was added since (else it answers CHANGED and we go round again), so no reservation is lost.
 * - adjustDrop: restock / withdraw under the Redlock `drop:<id>:adjust`: the adjust script changes
 *   available and adjustments and appends an "adjusted" entry, which the relay writes to the ledger
 *   (kind adjusted, signed qty) and announces as a StockChanged snapshot. The fencing token goes
 *   into the script, which refuses a token older than the last adjustment's.
 */
import type { Locker } from "@drops/redis";
import { LockNotAcquiredError } from "@drops/redis";
import { checkStockInvariant, type StockCounters } from "../domain/stock.ts";
import { ledgerKind, sumRows, type LedgerKind } from "../domain/counters.ts";
import type { Pool } from "./db.ts";
import { findDrop } from "./drops.ts";
import { appendEntries, ledgerCounters, ledgerHolds, recordedStreamIds } from "./ledger.ts";
import { readLiveView } from "./stock/live-view.ts";
import type { Redis } from "./stock/scripts.ts";
import type { AdjustOutcome } from "../domain/reservation.ts";
import type { StockStore } from "./stock/stock-store.ts";

export type StockReport = {
  dropId: string;
  /** From Redis when loaded, else from the ledger. total includes adjustments. */
  available: number;
  held: number;
  sold: number;
  total: number;
  consistent: boolean;
  loaded: boolean;
  status: string | null;
  redis: StockCounters | null;
  /** Ledger counters including the stream entries not relayed yet. */
  ledger: StockCounters;
  /** Stream entries not in the ledger yet. */
  unrelayed: number;
  problems: string[];
};

const FIELDS = ["total", "adjustments", "available", "held", "sold"] as const;

export async function checkDropStock(deps: { redis: Redis; pool: Pool; prefix?: string }, dropId: string): Promise<StockReport> {
  const live = await readLiveView(deps.redis, dropId, deps.prefix ?? "");
  const upTo = live.lastStreamId === "" ? {} : { upTo: live.lastStreamId };
  const { rows, ...recorded } = await ledgerCounters(deps.pool, dropId, upTo);
  const known = await recordedStreamIds(deps.pool, dropId, live.tail.map((e) => e.streamId));
  const missing = live.tail.flatMap((e) => {
    const kind: LedgerKind | null = known.has(e.streamId) ? null : ledgerKind(e.type);
    return kind === null ? [] : [{ kind, qty: e.qty }];
  });
  const ledger = sumRows(missing, recorded);
  const problems: string[] = [];
  const redis = live.redis === null ? null : { total: live.redis.total, adjustments: live.redis.adjustments, available: live.redis.available, held: live.redis.held, sold: live.redis.sold };
  if (redis === null) {
    if (rows > 0) problems.push("Redis has no stock for a drop the ledger has: resync from the ledger");
  } else {
    const inv = checkStockInvariant(redis);
    if (!inv.ok) problems.push(`Redis invariant: ${inv.reason}`);
    for (const f of FIELDS) if (redis[f] !== ledger[f]) problems.push(`${f}: Redis ${redis[f]}, ledger ${ledger[f]}`);
  }
  const ledgerInv = checkStockInvariant(ledger);
  if (!ledgerInv.ok && (rows > 0 || missing.length > 0)) problems.push(`ledger invariant: ${ledgerInv.reason}`);
  const shown = redis ?? ledger;
  return {
    dropId,
    available: shown.available,
    held: shown.held,
    sold: shown.sold,
    total: shown.total + shown.adjustments,
    consistent: problems.length === 0,
    loaded: redis !== null,
    status: live.redis?.status ?? null,
    redis,
    ledger,
    unrelayed: missing.length,
    problems,
  };
}

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
            schedule: { startsAtMs: drop.startsAtMs, perBuyerLimit: drop.perBuyerLimit, holdMs: drop.holdMs, kind: drop.kind },
            holds,
          });
          if (r.status === "RESYNCED") {
            // a resync re-loads an archived drop too (its holds back from the ledger): live again
            await deps.pool.query("UPDATE drops SET archive_state = NULL, updated_at = now() WHERE id = $1 AND archive_state IS NOT NULL", [dropId]);
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

export const adjustLockName = (dropId: string): string => `drop:${dropId}:adjust`;

export async function adjustDrop(
  deps: { store: Pick<StockStore, "adjust">; locker: Pick<Locker, "withLock"> },
  dropId: string,
  delta: number,
): Promise<AdjustOutcome | { status: "BUSY" }> {
  try {
    return await deps.locker.withLock(adjustLockName(dropId), 5_000, (fence) => deps.store.adjust({ dropId, delta, fence }), { retryCount: 3 });
  } catch (err) {
    if (err instanceof LockNotAcquiredError) return { status: "BUSY" };
    throw err;
  }
}

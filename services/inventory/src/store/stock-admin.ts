/**
 * Redis vs ledger for one drop. The comparison is exact at one instant: the live counters and the
 * stream tail are read in one MULTI, the ledger is counted only up to the stream's last entry id at
 * that instant, and the tail entries the ledger does not have yet (not relayed) are added to it.
 */
import { checkStockInvariant, type StockCounters } from "../domain/stock.ts";
import type { Pool } from "../db.ts";
import type { Redis } from "../stock/scripts.ts";
import { ledgerCounters, recordedStreamIds } from "../ledger/ledger-repo.ts";
import { ledgerKind, sumRows, type LedgerKind } from "../ledger/counters.ts";
import { readLiveView } from "./stream-tail.ts";

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

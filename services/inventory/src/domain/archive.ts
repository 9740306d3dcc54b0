/**
 * When a drop leaves the hot set (pure). A drop is archived once it has ended and settled: closed, or
 * sold out (a sold-out drop that later gets units back is re-loaded then); no unit held; every stream
 * entry relayed (to Kafka and the ledger) and trimmed; nothing written for `quietMs`; and the ledger
 * agreeing with Redis. Products never end: they stay hot (cheap when idle: the sweeper and the
 * archiver skip an item with no hold).
 */
import type { StockKind } from "./stock.ts";

export type ArchiveView = {
  kind: StockKind;
  status: string;
  available: number;
  held: number;
  /** Entries still in the stream (not yet relayed and trimmed). */
  tail: number;
  /** Last entry id the stream ever had ("" when it has none). */
  lastStreamId: string;
  /** The Redis vs ledger check (stock-admin.ts). */
  consistent: boolean;
  unrelayed: number;
};

/** null when the drop may be archived at `nowMs`, else why not. */
export function notSettledReason(v: ArchiveView, nowMs: number, quietMs: number): string | null {
  if (v.kind !== "drop") return "product";
  if (v.status !== "closed" && v.available > 0) return "live";
  if (v.held !== 0) return "holds";
  if (v.tail > 0 || v.unrelayed > 0) return "unrelayed";
  const lastMs = v.lastStreamId === "" ? 0 : Number(v.lastStreamId.split("-")[0]);
  if (nowMs - lastMs < quietMs) return "quiet";
  if (!v.consistent) return "inconsistent";
  return null;
}

/** A cheap first look from the meta hash alone: can this item be a candidate at all? */
export function mayHaveEnded(meta: { kind: string | null; status: string | null; available: string | null; held: string | null }): boolean {
  if (meta.status === null || meta.kind === "product") return false;
  if (Number(meta.held ?? 0) !== 0) return false;
  return meta.status === "closed" || Number(meta.available ?? 0) <= 0;
}

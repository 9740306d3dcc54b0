/**
 * When a drop is "back in stock" (pure): a drop seen sold out (0 available after it opened) that has
 * units on sale again (available > 0 while OPEN). Decided from the inventory's StockChanged snapshots,
 * which carry a per-drop seq: a snapshot not newer than the one remembered is ignored, so a
 * redelivery or a stale snapshot changes nothing. Only the sold-out flag is remembered (and written
 * only when it flips), so the common snapshot during a sale costs one read and no write.
 */
import type { DropStatus, StockChanged } from "@drops/events";

/** What is remembered per drop: seen sold out since the last notice, and the seq that said so. */
export type StockWatchState = { soldOut: boolean; seq: number };

export type StockStep = {
  /** The state to store, or null when it does not change (nothing to write). */
  next: StockWatchState | null;
  /** True when the watchers are told "back in stock" now. */
  backInStock: boolean;
};

/** Statuses in which 0 available means sold out (before opening, or after the end, it does not). */
const SELLING: ReadonlySet<DropStatus> = new Set(["OPEN", "SOLD_OUT", "PAUSED"]);

export function stockStep(prev: StockWatchState | null, change: Pick<StockChanged, "available" | "status" | "seq">): StockStep {
  if (prev !== null && change.seq <= prev.seq) return { next: null, backInStock: false };
  const soldOutNow = change.available <= 0 && SELLING.has(change.status);
  if (soldOutNow) return prev?.soldOut === true ? { next: null, backInStock: false } : { next: { soldOut: true, seq: change.seq }, backInStock: false };
  if (prev?.soldOut !== true) return { next: null, backInStock: false };
  if (change.available > 0 && change.status === "OPEN") return { next: { soldOut: false, seq: change.seq }, backInStock: true };
  // The drop ended (CLOSED) while sold out: forget it. PAUSED with units, SCHEDULED, UNKNOWN: wait.
  if (change.status === "CLOSED") return { next: { soldOut: false, seq: change.seq }, backInStock: false };
  return { next: null, backInStock: false };
}

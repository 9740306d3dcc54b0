/** Pure stock vocabulary of one drop: statuses, hold states, counters and the stock invariant. */

export type DropStatus = "open" | "paused" | "closed";

/**
 * What a stock item sells: a drop (opens at its start time, per-buyer limit, its own hold time) or a
 * regular product's stock for carts (opened when its stock is first set, no limit, the inventory's
 * PRODUCT_HOLD_SECONDS; the id is the productId). Both share every key, script, ledger row and check.
 */
export type StockKind = "drop" | "product";

export function isStockKind(s: string): s is StockKind {
  return s === "drop" || s === "product";
}

/** A drop id: 1-128 of [A-Za-z0-9_.:-] (it is part of every Redis key of the drop). */
export const DROP_ID_PATTERN = "^[A-Za-z0-9_.:-]{1,128}$";

/**
 * Life of one order's units in a drop. `held` -> `sold` (confirm) -> `refunded` (user cancel after
 * payment); `held` -> `released` (compensation) or `expired` (TTL sweeper); `void` is the tombstone a
 * release leaves for an order that never reserved, so a late reserve cannot resurrect it.
 */
export type HoldState = "held" | "sold" | "released" | "expired" | "refunded" | "void";

export const HOLD_STATES: readonly HoldState[] = ["held", "sold", "released", "expired", "refunded", "void"];

export function isHoldState(s: string): s is HoldState {
  return (HOLD_STATES as readonly string[]).includes(s);
}

export function isDropStatus(s: string): s is DropStatus {
  return s === "open" || s === "paused" || s === "closed";
}

/** Counters of one drop. `adjustments` is the sum of explicit restock / adjust deltas since opening. */
export type StockCounters = {
  total: number;
  adjustments: number;
  available: number;
  held: number;
  sold: number;
};

export type InvariantCheck =
  | { ok: true }
  | { ok: false; expected: number; actual: number; reason: string };

/** The drop invariant: available + held + sold == total + adjustments, and no counter is negative. */
export function checkStockInvariant(c: StockCounters): InvariantCheck {
  const expected = c.total + c.adjustments;
  const actual = c.available + c.held + c.sold;
  const negative = (["available", "held", "sold"] as const).filter((k) => c[k] < 0);
  if (negative.length > 0) return { ok: false, expected, actual, reason: `negative ${negative.join(", ")}` };
  if (actual !== expected) {
    return { ok: false, expected, actual, reason: `available + held + sold = ${actual}, total + adjustments = ${expected}` };
  }
  return { ok: true };
}

/** How each ledger row moves a drop's counters. Pure. */
import type { StockCounters } from "./stock.ts";
import type { EntryType } from "./stream-entry.ts";

export const LEDGER_KINDS = ["opened", "reserved", "confirmed", "released", "expired", "refunded", "adjusted"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const ZERO: StockCounters = { total: 0, adjustments: 0, available: 0, held: 0, sold: 0 };

/** The ledger kind of a stream entry; null for entries that move no stock (`status`). */
export function ledgerKind(type: EntryType): LedgerKind | null {
  return type === "status" ? null : type;
}

/** Counters after one row of `kind` with `qty` units. */
export function applyRow(c: StockCounters, kind: LedgerKind, qty: number): StockCounters {
  switch (kind) {
    case "opened":
      return { ...c, total: c.total + qty, available: c.available + qty };
    case "reserved":
      return { ...c, available: c.available - qty, held: c.held + qty };
    case "confirmed":
      return { ...c, held: c.held - qty, sold: c.sold + qty };
    case "released":
    case "expired":
      return { ...c, held: c.held - qty, available: c.available + qty };
    case "refunded":
      return { ...c, sold: c.sold - qty, available: c.available + qty };
    case "adjusted":
      return { ...c, adjustments: c.adjustments + qty, available: c.available + qty };
  }
}

export function sumRows(rows: readonly { kind: LedgerKind; qty: number }[], start: StockCounters = ZERO): StockCounters {
  return rows.reduce((c, r) => applyRow(c, r.kind, r.qty), start);
}

export function sameCounters(a: StockCounters, b: StockCounters): boolean {
  return a.total === b.total && a.adjustments === b.adjustments && a.available === b.available && a.held === b.held && a.sold === b.sold;
}

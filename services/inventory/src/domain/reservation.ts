/** Outcomes of the stock operations on one drop, as discriminated unions on `status`. Pure types. */
import type { DropStatus, HoldState, StockCounters } from "./stock.ts";

export type OpenDropOutcome =
  | { status: "LOADED" }
  | { status: "ALREADY"; dropStatus: DropStatus; fence: number }
  | { status: "STALE_FENCE"; fence: number };

/** A hold the buyer owns now. `replay` is true when this orderId had reserved before (same hold). */
export type HeldOutcome = {
  status: "HELD";
  orderId: string;
  qty: number;
  holdExpiresAtMs: number;
  available: number;
  replay: boolean;
  /** Fingerprint of the request that created the hold ("" if none); compare on replay. */
  fingerprint: string;
};

export type ReserveRejection =
  | { status: "NOT_OPEN"; startsAtMs: number | null }
  | { status: "PAUSED" }
  | { status: "CLOSED" }
  | { status: "LIMIT_REACHED"; taken: number; perBuyerLimit: number }
  | { status: "SOLD_OUT"; available: number };

/** The orderId reserved before and its hold has moved on (sold, released, expired, refunded, void). */
export type DuplicateOutcome = {
  status: "DUPLICATE";
  orderId: string;
  state: Exclude<HoldState, "held">;
  qty: number;
  holdExpiresAtMs: number;
  fingerprint: string;
};

export type ReserveOutcome = HeldOutcome | DuplicateOutcome | ReserveRejection;

export type ConfirmOutcome =
  | { status: "CONFIRMED"; buyerId: string; qty: number; replay: boolean }
  /** The hold is no longer there to sell: the saga must refund the payment. */
  | { status: "GONE"; state: HoldState }
  | { status: "NOT_FOUND" };

export type ReleaseOutcome =
  | { status: "RELEASED"; buyerId: string; qty: number; replay: boolean; state: "released" | "expired" | "void" }
  | { status: "NOT_HELD"; state: "sold" | "refunded" }
  | { status: "VOIDED" };

export type RefundOutcome =
  | { status: "REFUNDED"; buyerId: string; qty: number; replay: boolean }
  | { status: "NOT_SOLD"; state: HoldState }
  | { status: "NOT_FOUND" };

export type SetStatusOutcome =
  | { status: "CHANGED"; previous: DropStatus }
  | { status: "UNCHANGED" }
  | { status: "NOT_LOADED" };

/** resync-drop.lua: rebuilt; a newer resync's token is stored; the stream moved past the ledger (retry). */
export type ResyncOutcome = { status: "RESYNCED" } | { status: "STALE_FENCE"; fence: number } | { status: "CHANGED"; lastStreamId: string };

/** adjust-stock.lua (restock / withdraw). */
export type AdjustOutcome =
  | { status: "ADJUSTED"; available: number; adjustments: number }
  | { status: "NOT_LOADED" }
  | { status: "INSUFFICIENT"; available: number }
  | { status: "STALE_FENCE"; fence: number };

export type StockSnapshot = StockCounters & { status: DropStatus };

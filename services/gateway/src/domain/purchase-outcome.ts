/** The HTTP answer of each reserve outcome (BRIEF "Public HTTP API"). Pure. */
import { AppError, conflict } from "@drops/http";

/** The order's status as the buyer sees it (the BRIEF's, like GET /api/orders/:orderId). */
export type PurchaseStatus = "held" | "confirmed" | "cancelled" | "expired" | "refunded";

export type PurchaseAnswer = {
  orderId: string; status: PurchaseStatus; holdExpiresAt: string;
  /** The drop's unit price (fixed when it was scheduled) and what the order is charged: priceCents x quantity. */
  priceCents?: number; amountCents?: number;
};

/** The answer with the drop's price and the order's amount (what the saga charges). */
export function priced(answer: PurchaseAnswer, priceCents: number, quantity: number): PurchaseAnswer {
  return { ...answer, priceCents, amountCents: priceCents * quantity };
}

/** A seller buying in its own drop: 403 OWN_DROP. */
export const ownDrop = (): AppError => new AppError("OWN_DROP", "you cannot buy in your own drop");

/**
 * A replay answers the order's current state as the stock Redis knows it (the hold record's state):
 * held; sold -> confirmed; released (the saga's compensation: payment failed, or cancelled by the
 * buyer before payment) -> cancelled; expired; refunded. GET /api/orders/:orderId has the saga's detail.
 */
const REPLAY_STATUS: Readonly<Record<string, PurchaseStatus>> = { held: "held", sold: "confirmed", released: "cancelled", expired: "expired", refunded: "refunded" };

/**
 * What the purchase path reads of the reserve script's answer: the inventory's ReserveOutcome
 * (`@drops/inventory-service/purchase`) is assignable to it, and a new outcome there fails to compile
 * where the path passes it here.
 */
export type ReserveResult =
  | { status: "HELD"; orderId: string; qty: number; holdExpiresAtMs: number; available: number; replay: boolean; fingerprint: string }
  | { status: "DUPLICATE"; orderId: string; state: string; holdExpiresAtMs: number; fingerprint: string }
  | { status: "NOT_OPEN"; startsAtMs: number | null }
  | { status: "PAUSED" }
  | { status: "CLOSED" }
  | { status: "LIMIT_REACHED"; taken: number; perBuyerLimit: number }
  | { status: "SOLD_OUT"; available: number };

export const keyReused = (): AppError =>
  new AppError("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used for a different purchase; use a new key for a new purchase");

export const soldOut = (available = 0): AppError => conflict("sold out", "SOLD_OUT", { available });

export function heldAnswer(orderId: string, holdExpiresAtMs: number, status: PurchaseStatus = "held"): PurchaseAnswer {
  return { orderId, status, holdExpiresAt: new Date(holdExpiresAtMs).toISOString() };
}

/** The pre-serialized body of a sold-out answer (the one `soldOut()` maps to), for the no-Redis path. */
export const SOLD_OUT_BODY = JSON.stringify({ available: 0, code: "SOLD_OUT", message: "sold out" });

/** True when the outcome says the drop has nothing left: the instance flags it sold out. */
export function leavesDropEmpty(outcome: ReserveResult): boolean {
  return (outcome.status === "SOLD_OUT" || outcome.status === "HELD") && outcome.available === 0;
}

/**
 * The answer to the buyer, or the AppError to throw. HELD (new or replayed) and DUPLICATE (the order
 * id reserved before, its hold has moved on since) answer 201 with the order id and hold end when the
 * request's fingerprint matches the stored one, else 422; a DUPLICATE's status is the order's current
 * one (REPLAY_STATUS), never "held" for a hold that has ended.
 */
export function answerFor(outcome: ReserveResult, fingerprint: string): PurchaseAnswer | AppError {
  switch (outcome.status) {
    case "HELD":
      if (outcome.replay && outcome.fingerprint !== fingerprint) return keyReused();
      return heldAnswer(outcome.orderId, outcome.holdExpiresAtMs);
    case "DUPLICATE":
      if (outcome.state === "void") return conflict("this purchase was cancelled before it was placed; use a new Idempotency-Key", "PURCHASE_VOID");
      if (outcome.fingerprint !== fingerprint) return keyReused();
      return heldAnswer(outcome.orderId, outcome.holdExpiresAtMs, REPLAY_STATUS[outcome.state] ?? "cancelled");
    case "SOLD_OUT":
      return soldOut(outcome.available);
    case "LIMIT_REACHED":
      return conflict(`limit reached: at most ${outcome.perBuyerLimit} per buyer, ${outcome.taken} already taken`, "LIMIT_REACHED", {
        perBuyerLimit: outcome.perBuyerLimit,
        taken: outcome.taken,
      });
    case "NOT_OPEN":
      return conflict(outcome.startsAtMs === null ? "the drop is not open yet" : `the drop opens at ${new Date(outcome.startsAtMs).toISOString()}`, "NOT_OPEN", {
        startsAt: outcome.startsAtMs === null ? null : new Date(outcome.startsAtMs).toISOString(),
      });
    case "PAUSED":
      return conflict("the drop is paused; try again shortly", "PAUSED");
    case "CLOSED":
      return conflict("the drop is closed", "CLOSED");
  }
}

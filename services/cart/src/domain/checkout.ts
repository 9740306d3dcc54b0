/**
 * The checkout's pure parts: the order id of an attempt, the body's fingerprint, what a stored
 * attempt means for a new request with the same Idempotency-Key, the answer shapes and the
 * CartCheckedOut payload. Time and ids are passed in.
 */
import { createHash } from "node:crypto";
import { uuidV5 as nameBasedId, type CartCheckedOut, type CartLine } from "@drops/events";
import type { ProductInfo, StoredLine } from "./cart.ts";

/** Namespace of the cart's checkout order ids (a fixed random UUID, not the gateway's purchase one). */
export const CHECKOUT_NAMESPACE = "3e7b9a41-6c2d-4f58-8a0e-1d9c4b7f2a63";

/** A name-based id in the cart's namespace: the same name always gives the same id. */
export function uuidV5(name: string, namespace = CHECKOUT_NAMESPACE): string {
  return nameBasedId(name, namespace);
}

/**
 * The order id of a checkout: the same buyer with the same Idempotency-Key always gets the same
 * order, so a retry finds the holds of the first attempt (reserve is idempotent per order id).
 */
export function checkoutOrderId(buyerId: string, idempotencyKey: string): string {
  return uuidV5(JSON.stringify(["cart-checkout", buyerId, idempotencyKey]));
}

/** Event id of the order's CartCheckedOut: a re-publish (a retry after a 503) is deduped by the saga. */
export function checkoutEventId(orderId: string): string {
  return uuidV5(`${orderId}/CartCheckedOut`);
}

export type CheckoutRequest = { paymentMethod: string };

/** What the request asked for, hashed: stored with the attempt, compared on a retry with the same key. */
export function checkoutFingerprint(body: CheckoutRequest): string {
  return createHash("sha256").update(JSON.stringify(["checkout", body.paymentMethod])).digest("base64url").slice(0, 32);
}

/** A line as checked out: the catalog's unit price at the checkout. */
export type CheckoutLine = CartLine;

/** The order's lines as the buyer sees them (the order service's shape). */
export type OrderLine = { productId: string; quantity: number; priceCents: number };

export type HeldAnswer = {
  orderId: string;
  status: "held";
  holdExpiresAt: string;
  lines: OrderLine[];
  amountCents: number;
  currency: string;
};

/** What one attempt has come to: the 201, or the 409 LINE_UNAVAILABLE (both replayed as they were). */
export type CheckoutAnswer = { kind: "held"; body: HeldAnswer } | { kind: "unavailable"; productId: string; available: number };

/**
 * One checkout attempt as stored under its order id (24 h): the fingerprint of the body, the lines
 * and prices fixed at the first attempt (a retry reserves and publishes exactly these), and the
 * answer once there is one. `answer` absent: the lines may be held, the order not handed on yet.
 */
export type CheckoutRecord = {
  fingerprint: string;
  buyerId: string;
  paymentMethod: string;
  currency: string;
  lines: CheckoutLine[];
  answer?: CheckoutAnswer;
};

export type Resumption =
  | { kind: "new" }
  | { kind: "resume"; record: CheckoutRecord }
  | { kind: "answered"; answer: CheckoutAnswer }
  | { kind: "reused" };

/** What a request with body fingerprint `fingerprint` does given the stored attempt of its key. */
export function resumption(record: CheckoutRecord | null, fingerprint: string): Resumption {
  if (record === null) return { kind: "new" };
  if (record.fingerprint !== fingerprint) return { kind: "reused" };
  return record.answer ? { kind: "answered", answer: record.answer } : { kind: "resume", record };
}

/**
 * The attempt's lines: the cart's lines with the catalog's prices now. A line whose product the
 * catalog no longer knows is reported (`missing`) so the caller refuses rather than sell it unpriced.
 */
export function checkoutLines(lines: readonly StoredLine[], products: ReadonlyMap<string, ProductInfo>): { lines: CheckoutLine[]; missing: string | null } {
  const out: CheckoutLine[] = [];
  for (const l of lines) {
    const p = products.get(l.productId);
    if (!p) return { lines: [], missing: l.productId };
    out.push({ productId: l.productId, quantity: l.quantity, unitPriceCents: p.priceCents });
  }
  return { lines: out, missing: null };
}

export function amountOf(lines: readonly CheckoutLine[]): number {
  return lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
}

export function orderLines(lines: readonly CheckoutLine[]): OrderLine[] {
  return lines.map((l) => ({ productId: l.productId, quantity: l.quantity, priceCents: l.unitPriceCents }));
}

/** The 201 of a checkout whose every line is held until `holdExpiresAtMs` (the earliest line's). */
export function heldAnswer(orderId: string, record: CheckoutRecord, holdExpiresAtMs: number): HeldAnswer {
  return {
    orderId, status: "held", holdExpiresAt: new Date(holdExpiresAtMs).toISOString(),
    lines: orderLines(record.lines), amountCents: amountOf(record.lines), currency: record.currency,
  };
}

/** The payload handed to the saga. */
export function cartCheckedOut(orderId: string, record: CheckoutRecord, holdExpiresAtMs: number): CartCheckedOut {
  return {
    orderId, buyerId: record.buyerId, lines: record.lines.map((l) => ({ ...l })), amountCents: amountOf(record.lines),
    currency: record.currency, paymentMethod: record.paymentMethod, holdExpiresAt: holdExpiresAtMs,
  };
}

/** A stored record, checked; null when it is not one (then the attempt is treated as new). */
export function parseRecord(raw: string | null): CheckoutRecord | null {
  if (raw === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const r = v as Partial<CheckoutRecord>;
  if (typeof r.fingerprint !== "string" || typeof r.buyerId !== "string" || typeof r.paymentMethod !== "string" || typeof r.currency !== "string" || !Array.isArray(r.lines)) return null;
  return r as CheckoutRecord;
}

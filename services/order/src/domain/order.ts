/** The order aggregate: its state, statuses and the messages the saga sends. Pure types and helpers. */
import type { EventPayloads, EventType, StockLine } from "@drops/events";

export const ORDER_STATUSES = ["held", "payment_pending", "paid", "confirmed", "cancelled", "expired", "refunded", "failed"] as const;

/**
 * held: stock held, payment requested, the charge not started yet.
 * payment_pending: the payment worker is charging the buyer (deadline paymentDeadlineAt).
 * paid: charged, stock confirm requested. confirmed: sold (terminal).
 * cancelled / expired / refunded: ended without a sale, compensation requested (terminal).
 * failed: a compensation kept failing; an operator must act (terminal).
 */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** One product line of a cart order: units and the unit price (cents) at checkout. */
export type OrderLine = { productId: string; quantity: number; priceCents: number };

export type Order = {
  id: string;
  /** The drop of a drop order; "" for a cart order (its products are in `lines`). */
  dropId: string;
  buyerId: string;
  /** Units: a drop order's, or the sum of a cart order's lines. */
  quantity: number;
  /** A cart order's lines, all held under the order's id; null for a drop order. */
  lines: OrderLine[] | null;
  amountCents: number;
  currency: string;
  paymentMethod: string | null;
  status: OrderStatus;
  /** Epoch ms. */
  holdExpiresAt: number;
  /** Epoch ms; set while payment_pending. */
  paymentDeadlineAt: number | null;
  paymentId: string | null;
  cancelReason: string | null;
  failureReason: string | null;
  createdAt: number;
  updatedAt: number;
  /** Optimistic concurrency: +1 on every change. */
  version: number;
};

/** A message the saga sends: an event type and its payload (the envelope is added by the caller). */
export type Outgoing = { [K in EventType]: { type: K; payload: EventPayloads[K] } }[EventType];

export function outgoing<K extends EventType>(type: K, payload: EventPayloads[K]): Outgoing {
  return { type, payload } as Outgoing;
}

export const TERMINAL: readonly OrderStatus[] = ["confirmed", "cancelled", "expired", "refunded", "failed"];

/** Statuses in which the stock is still held for the order and no money moved yet. */
export function isBeforePayment(status: OrderStatus): boolean {
  return status === "held" || status === "payment_pending";
}

/** The stock lines of the order's inventory commands: a cart order's products and units; null for a drop order. */
export function stockLines(o: Pick<Order, "lines">): StockLine[] | null {
  return o.lines === null ? null : o.lines.map(({ productId, quantity }) => ({ productId, quantity }));
}

export function isOrderStatus(s: string): s is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(s);
}

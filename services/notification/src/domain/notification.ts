/** What a notification says for each event (pure: no I/O, no clock). */
import type { OrderCancelled, OrderConfirmed, StockChanged } from "@drops/events";

export const NOTIFICATION_KINDS = [
  "order_confirmed",
  "order_cancelled",
  "order_refunded",
  "order_expired",
  "back_in_stock",
  "drop_opening_soon",
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A notification before it is stored (id and time are given by the store). */
export type Draft = {
  buyerId: string;
  orderId: string | null;
  dropId: string | null;
  kind: NotificationKind;
  title: string;
  body: string;
};

/** The drop of an order event; a cart order's events carry dropId "" (its products are lines): none. */
function dropOf(p: { dropId: string }): string | null {
  return p.dropId === "" ? null : p.dropId;
}

function units(n: number): string {
  return n === 1 ? "1 unit" : `${n} units`;
}

export function orderConfirmedDraft(p: OrderConfirmed): Draft {
  return {
    buyerId: p.buyerId,
    orderId: p.orderId,
    dropId: dropOf(p),
    kind: "order_confirmed",
    title: "Order confirmed",
    body: `Your order ${p.orderId} for ${units(p.quantity)} is confirmed and paid.`,
  };
}

/** The cancel reason decides the kind: expired hold, refund, or a plain cancellation. */
export function orderCancelledDraft(p: OrderCancelled): Draft {
  const base = { buyerId: p.buyerId, orderId: p.orderId, dropId: dropOf(p) };
  const order = `Your order ${p.orderId} for ${units(p.quantity)}`;
  switch (p.reason) {
    case "HOLD_EXPIRED":
      return { ...base, kind: "order_expired", title: "Order expired", body: `${order} expired: the hold ran out before payment.` };
    case "REFUNDED":
      return { ...base, kind: "order_refunded", title: "Order refunded", body: `${order} was cancelled and refunded.` };
    case "PAYMENT_FAILED":
      return { ...base, kind: "order_cancelled", title: "Order cancelled", body: `${order} was cancelled: the payment failed.` };
    case "BUYER_CANCELLED":
      return { ...base, kind: "order_cancelled", title: "Order cancelled", body: `${order} was cancelled as you asked.` };
    case "STOCK_REJECTED":
      return { ...base, kind: "order_cancelled", title: "Order cancelled", body: `${order} was cancelled: the stock could not be reserved.` };
    case "OTHER":
      return { ...base, kind: "order_cancelled", title: "Order cancelled", body: `${order} was cancelled.` };
  }
}

/** A drop seen sold out has units on sale again (StockChanged from 0 to > 0). */
export function backInStockDraft(change: StockChanged, buyerId: string): Draft {
  return {
    buyerId,
    orderId: null,
    dropId: change.dropId,
    kind: "back_in_stock",
    title: "Back in stock",
    body: `${units(change.available)} of drop ${change.dropId} ${change.available === 1 ? "is" : "are"} back on sale.`,
  };
}

/** How long until `startsAtMs`, for people: "in 5 minutes", "in 1 minute", "in 40 seconds". */
export function untilText(startsAtMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((startsAtMs - nowMs) / 1000));
  if (seconds < 60) return seconds === 1 ? "in 1 second" : `in ${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? "in 1 minute" : `in ${minutes} minutes`;
}

/** A watched drop opens soon (NOTIFY_OPENING_SOON_SECONDS before its start). */
export function openingSoonDraft(dropId: string, buyerId: string, startsAtMs: number, nowMs: number): Draft {
  return {
    buyerId,
    orderId: null,
    dropId,
    kind: "drop_opening_soon",
    title: "Drop opening soon",
    body: `Drop ${dropId} opens ${untilText(startsAtMs, nowMs)}, at ${new Date(startsAtMs).toISOString()}.`,
  };
}

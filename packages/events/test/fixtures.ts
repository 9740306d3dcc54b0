import type { EventPayloads, EventType } from "../src/index.ts";

/** One valid payload per event type. */
export const samplePayloads: { [K in EventType]: EventPayloads[K] } = {
  OrderPlaced: { orderId: "o-1", dropId: "d-1", buyerId: "b-1", quantity: 2, unitPriceCents: 4_999, amountCents: 9_998, currency: "EUR", checkoutId: "c-1" },
  OrderConfirmed: { orderId: "o-1", dropId: "d-1", buyerId: "b-1", quantity: 2, amountCents: 9_998, paymentId: "p-1" },
  OrderCancelled: { orderId: "o-1", dropId: "d-1", buyerId: "b-1", quantity: 2, reason: "PAYMENT_FAILED", detail: "card declined" },
  StockReserved: {
    orderId: "o-1",
    dropId: "d-1",
    buyerId: "b-1",
    quantity: 2,
    holdExpiresAt: 1_767_225_600_000,
    amountCents: 9_998,
    currency: "EUR",
    paymentMethod: "pm_card_ok",
  },
  StockRejected: { orderId: "o-1", dropId: "d-1", buyerId: "b-1", quantity: 2, reason: "SOLD_OUT" },
  StockReleased: { orderId: "o-1", dropId: "d-1", quantity: 2, reason: "HOLD_EXPIRED" },
  StockConfirmed: { orderId: "o-1", dropId: "d-1", quantity: 2 },
  StockConfirmFailed: { orderId: "o-1", dropId: "d-1", reason: "HOLD_GONE", detail: "expired" },
  StockConfirmRequested: { orderId: "o-1", dropId: "", quantity: 3, lines: [{ productId: "p-1", quantity: 1 }, { productId: "p-2", quantity: 2 }] },
  StockReleaseRequested: { orderId: "o-1", dropId: "d-1", quantity: 2, reason: "PAYMENT_FAILED", lines: null },
  CartCheckedOut: {
    orderId: "o-1",
    buyerId: "b-1",
    lines: [{ productId: "p-1", quantity: 1, unitPriceCents: 1_500 }, { productId: "p-2", quantity: 2, unitPriceCents: 250 }],
    amountCents: 2_000,
    currency: "EUR",
    paymentMethod: "pm_card_ok",
    holdExpiresAt: 1_767_225_600_000,
  },
  StockChanged: { dropId: "d-1", available: 8, held: 2, sold: 90, total: 100, status: "OPEN", seq: 42 },
  PaymentRequested: { orderId: "o-1", buyerId: "b-1", amountCents: 9_998, currency: "EUR", paymentMethod: "pm_card_ok" },
  PaymentSucceeded: { orderId: "o-1", paymentId: "p-1", amountCents: 9_998 },
  PaymentFailed: { orderId: "o-1", amountCents: 9_998, reason: "DECLINED", detail: null },
  RefundRequested: { orderId: "o-1", paymentId: "p-1", amountCents: 9_998 },
  RefundSucceeded: { orderId: "o-1", paymentId: "p-1", refundId: "r-1", amountCents: 9_998 },
  RefundFailed: { orderId: "o-1", paymentId: "p-1", amountCents: 9_998, attempts: 5, detail: "provider down" },
};

export const ID = "0b6c2f7e-4a4e-4f5e-9c1a-6a2d1f0e9b3c";
export const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

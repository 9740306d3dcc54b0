import t from "tap";
import type { OrderCancelReason } from "@drops/events";
import { backInStockDraft, orderCancelledDraft, orderConfirmedDraft } from "../../src/domain/notification.ts";

const order = { orderId: "ord_1", dropId: "drop_1", buyerId: "buyer_1", quantity: 2 };

t.test("OrderConfirmed -> order_confirmed for the buyer", async (t) => {
  const d = orderConfirmedDraft({ ...order, amountCents: 5000, paymentId: "pay_ord_1" });
  t.match(d, { buyerId: "buyer_1", orderId: "ord_1", dropId: "drop_1", kind: "order_confirmed", title: "Order confirmed" });
  t.match(d.body, /ord_1.*2 units/);
});

t.test("OrderCancelled: the reason decides the kind", async (t) => {
  const expected: Record<OrderCancelReason, string> = {
    HOLD_EXPIRED: "order_expired",
    REFUNDED: "order_refunded",
    PAYMENT_FAILED: "order_cancelled",
    BUYER_CANCELLED: "order_cancelled",
    STOCK_REJECTED: "order_cancelled",
    OTHER: "order_cancelled",
  };
  for (const [reason, kind] of Object.entries(expected) as [OrderCancelReason, string][]) {
    const d = orderCancelledDraft({ ...order, reason, detail: null });
    t.equal(d.kind, kind, reason);
    t.equal(d.buyerId, "buyer_1");
    t.ok(d.body.length > 0 && d.title.length > 0);
  }
});

t.test("a cart order's events (dropId \"\") give notifications of no drop", async (t) => {
  const cart = { ...order, dropId: "", quantity: 6 };
  t.match(orderConfirmedDraft({ ...cart, amountCents: 6000, paymentId: "pay_ord_1" }), { orderId: "ord_1", dropId: null, kind: "order_confirmed", body: /6 units/ });
  t.match(orderCancelledDraft({ ...cart, reason: "HOLD_EXPIRED", detail: null }), { orderId: "ord_1", dropId: null, kind: "order_expired" });
});

t.test("StockReleased -> back_in_stock for a watcher", async (t) => {
  const d = backInStockDraft({ orderId: "ord_1", dropId: "drop_1", quantity: 1, reason: "HOLD_EXPIRED" }, "watcher_1");
  t.match(d, { buyerId: "watcher_1", orderId: null, dropId: "drop_1", kind: "back_in_stock" });
  t.match(d.body, /1 unit of drop drop_1 is back/);
});

import t from "tap";
import type { OrderCancelReason } from "@drops/events";
import { backInStockDraft, openingSoonDraft, untilText, orderCancelledDraft, orderConfirmedDraft } from "../../src/domain/notification.ts";

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

t.test("StockChanged back on sale -> back_in_stock for a watcher", async (t) => {
  const d = backInStockDraft({ dropId: "drop_1", available: 1, held: 0, sold: 9, total: 10, status: "OPEN", seq: 12 }, "watcher_1");
  t.match(d, { buyerId: "watcher_1", orderId: null, dropId: "drop_1", kind: "back_in_stock" });
  t.match(d.body, /1 unit of drop drop_1 is back/);
});

t.test("opening soon: the drop, the time left and the start", async (t) => {
  const startsAt = Date.parse("2030-01-01T10:05:00.000Z");
  const d = openingSoonDraft("drop_1", "watcher_1", startsAt, startsAt - 300_000);
  t.match(d, { buyerId: "watcher_1", orderId: null, dropId: "drop_1", kind: "drop_opening_soon", title: "Drop opening soon" });
  t.equal(d.body, "Drop drop_1 opens in 5 minutes, at 2030-01-01T10:05:00.000Z.");
  t.equal(untilText(startsAt, startsAt - 60_000), "in 1 minute");
  t.equal(untilText(startsAt, startsAt - 40_000), "in 40 seconds");
  t.equal(untilText(startsAt, startsAt - 1_000), "in 1 second");
  t.equal(untilText(startsAt, startsAt + 5_000), "in 0 seconds", "never a negative time");
});

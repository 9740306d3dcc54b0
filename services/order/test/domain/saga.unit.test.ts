import t from "tap";
import type { StockReserved } from "@drops/events";
import { decide, evolve } from "../../src/domain/saga.ts";
import type { Decision, SagaInput } from "../../src/domain/saga.ts";
import type { Order, OrderStatus } from "../../src/domain/order.ts";

const NOW = 1_800_000_000_000;
const reserved: StockReserved = {
  orderId: "o-1",
  dropId: "d-1",
  buyerId: "b-1",
  quantity: 2,
  holdExpiresAt: NOW + 60_000,
  amountCents: 5_000,
  currency: "USD",
  paymentMethod: "pm_card_ok",
};

function created(): Order {
  const d = decide(null, { type: "StockReserved", reserved, defaultCurrency: "EUR" }, NOW);
  return d.create!;
}

function at(status: OrderStatus, extra: Partial<Order> = {}): Order {
  return { ...created(), status, ...extra };
}

const types = (d: Decision): string[] => d.emit.map((m) => m.type);

/** Applies the decision's change, as the store would. */
function apply(o: Order, input: SagaInput, now = NOW): { order: Order; d: Decision } {
  const d = decide(o, input, now);
  return { order: d.change ? evolve(o, d.change, now) : o, d };
}

t.test("StockReserved creates a held order and requests the payment", async (t) => {
  const d = decide(null, { type: "StockReserved", reserved, defaultCurrency: "EUR" }, NOW);
  t.match(d.create, { id: "o-1", status: "held", amountCents: 5_000, currency: "USD", paymentMethod: "pm_card_ok", holdExpiresAt: NOW + 60_000, version: 0, createdAt: NOW });
  t.same(d.emit, [{ type: "PaymentRequested", payload: { orderId: "o-1", buyerId: "b-1", amountCents: 5_000, currency: "USD", paymentMethod: "pm_card_ok" } }]);
  const bare = decide(null, { type: "StockReserved", reserved: { ...reserved, amountCents: null, currency: null, paymentMethod: null }, defaultCurrency: "EUR" }, NOW);
  t.match(bare.create, { amountCents: 0, currency: "EUR", paymentMethod: null });
  t.same(decide(created(), { type: "StockReserved", reserved, defaultCurrency: "EUR" }, NOW), { create: null, change: null, emit: [], rejection: null }, "a duplicate changes nothing");
});

t.test("the happy path: held -> payment_pending -> paid -> confirmed", async (t) => {
  let o = created();
  ({ order: o } = apply(o, { type: "PaymentStarted", deadlineAt: NOW + 10_000 }));
  t.equal(o.status, "payment_pending");
  t.equal(o.paymentDeadlineAt, NOW + 10_000);
  t.equal(o.version, 1);
  let d: Decision;
  ({ order: o, d } = apply(o, { type: "PaymentSucceeded", paymentId: "pay_1" }));
  t.equal(o.status, "paid");
  t.equal(o.paymentId, "pay_1");
  t.equal(o.paymentDeadlineAt, null);
  t.same(d.emit, [{ type: "StockConfirmRequested", payload: { orderId: "o-1", dropId: "d-1", quantity: 2 } }]);
  ({ order: o, d } = apply(o, { type: "StockConfirmed" }));
  t.equal(o.status, "confirmed");
  t.same(d.emit, [{ type: "OrderConfirmed", payload: { orderId: "o-1", dropId: "d-1", buyerId: "b-1", quantity: 2, amountCents: 5_000, paymentId: "pay_1" } }]);
  t.equal(o.version, 3);
  for (const input of [{ type: "StockConfirmed" }, { type: "PaymentSucceeded", paymentId: "pay_1" }, { type: "PaymentStarted", deadlineAt: 1 }] as SagaInput[]) {
    t.same(decide(o, input, NOW).change, null, `${input.type} again changes nothing`);
  }
});

t.test("a declined payment cancels and releases the stock", async (t) => {
  for (const status of ["held", "payment_pending"] as const) {
    const d = decide(at(status), { type: "PaymentFailed", reason: "DECLINED", detail: "card declined" }, NOW);
    t.match(d.change, { status: "cancelled", cancelReason: "PAYMENT_FAILED:DECLINED" });
    t.same(types(d), ["OrderCancelled", "StockReleaseRequested"]);
    t.match(d.emit[0]!.payload, { reason: "PAYMENT_FAILED", detail: "card declined" });
    t.match(d.emit[1]!.payload, { orderId: "o-1", dropId: "d-1", quantity: 2, reason: "PAYMENT_FAILED" });
  }
  for (const status of ["paid", "confirmed", "cancelled", "expired", "refunded", "failed"] as const) {
    t.same(types(decide(at(status), { type: "PaymentFailed", reason: "DECLINED", detail: null }, NOW)), [], `ignored when ${status}`);
  }
});

t.test("the payment deadline cancels only a pending payment that is past due", async (t) => {
  const pending = at("payment_pending", { paymentDeadlineAt: NOW + 1_000 });
  t.same(decide(pending, { type: "PaymentTimedOut" }, NOW).change, null, "not yet");
  const d = decide(pending, { type: "PaymentTimedOut" }, NOW + 1_000);
  t.match(d.change, { status: "cancelled", cancelReason: "PAYMENT_FAILED:TIMEOUT" });
  t.same(types(d), ["OrderCancelled", "StockReleaseRequested"]);
  t.same(decide(at("paid"), { type: "PaymentTimedOut" }, NOW + 5_000).change, null);
});

t.test("a payment that succeeds after the order ended is refunded once", async (t) => {
  for (const status of ["cancelled", "expired"] as const) {
    const { order, d } = apply(at(status), { type: "PaymentSucceeded", paymentId: "pay_late" });
    t.equal(order.status, status, "the status stays");
    t.same(d.emit, [{ type: "RefundRequested", payload: { orderId: "o-1", paymentId: "pay_late", amountCents: 5_000 } }]);
    t.same(decide(order, { type: "PaymentSucceeded", paymentId: "pay_late" }, NOW).emit, [], "not twice");
  }
});

t.test("hold expiry: unpaid -> expired; paid -> refunded; other release reasons are answers", async (t) => {
  for (const status of ["held", "payment_pending"] as const) {
    const d = decide(at(status), { type: "StockReleased", reason: "HOLD_EXPIRED" }, NOW);
    t.match(d.change, { status: "expired", cancelReason: "HOLD_EXPIRED" });
    t.same(types(d), ["OrderCancelled"], "no release: the inventory already released");
    t.match(d.emit[0]!.payload, { reason: "HOLD_EXPIRED" });
  }
  const paid = decide(at("paid", { paymentId: "pay_1" }), { type: "StockReleased", reason: "HOLD_EXPIRED" }, NOW);
  t.match(paid.change, { status: "refunded" });
  t.same(types(paid), ["RefundRequested", "OrderCancelled"]);
  t.same(decide(at("held"), { type: "StockReleased", reason: "PAYMENT_FAILED" }, NOW).change, null);
  t.same(decide(at("confirmed"), { type: "StockReleased", reason: "HOLD_EXPIRED" }, NOW).change, null);
});

t.test("confirm failing (hold gone) refunds a paid order", async (t) => {
  const { order, d } = apply(at("paid", { paymentId: "pay_1" }), { type: "StockConfirmFailed", reason: "HOLD_GONE", detail: "expired" });
  t.equal(order.status, "refunded");
  t.equal(order.cancelReason, "CONFIRM_FAILED:HOLD_GONE");
  t.same(types(d), ["RefundRequested", "OrderCancelled"]);
  t.match(d.emit[0]!.payload, { paymentId: "pay_1" });
  t.match(d.emit[1]!.payload, { reason: "REFUNDED" });
  t.same(decide(order, { type: "StockConfirmFailed", reason: "HOLD_GONE", detail: null }, NOW).emit, [], "idempotent");
});

t.test("buyer cancel: before payment cancels + releases; after payment refunds + releases", async (t) => {
  for (const status of ["held", "payment_pending"] as const) {
    const d = decide(at(status), { type: "CancelRequested", buyerId: "b-1" }, NOW);
    t.match(d.change, { status: "cancelled", cancelReason: "BUYER_CANCELLED" });
    t.same(types(d), ["OrderCancelled", "StockReleaseRequested"]);
    t.match(d.emit[1]!.payload, { reason: "ORDER_CANCELLED" });
  }
  for (const status of ["paid", "confirmed"] as const) {
    const d = decide(at(status, { paymentId: "pay_1" }), { type: "CancelRequested", buyerId: "b-1" }, NOW);
    t.match(d.change, { status: "refunded", cancelReason: "BUYER_CANCELLED" });
    t.same(types(d), ["RefundRequested", "OrderCancelled", "StockReleaseRequested"]);
    t.match(d.emit[2]!.payload, { reason: "REFUNDED" });
  }
  for (const status of ["cancelled", "expired", "refunded"] as const) {
    const d = decide(at(status), { type: "CancelRequested", buyerId: "b-1" }, NOW);
    t.same([d.change, d.emit, d.rejection], [null, [], null], `${status}: the same answer again`);
  }
  t.match(decide(at("failed"), { type: "CancelRequested", buyerId: "b-1" }, NOW).rejection, { code: "NOT_CANCELLABLE" });
  t.match(decide(at("held"), { type: "CancelRequested", buyerId: "someone-else" }, NOW).rejection, { code: "NOT_FOUND" }, "another buyer's order does not exist for them");
  t.match(decide(null, { type: "CancelRequested", buyerId: "b-1" }, NOW).rejection, { code: "NOT_FOUND" });
});

t.test("a refund that keeps failing marks the order failed; success changes nothing", async (t) => {
  const { order } = apply(at("refunded"), { type: "RefundFailed", detail: "provider down" });
  t.equal(order.status, "failed");
  t.equal(order.failureReason, "REFUND_FAILED: provider down");
  t.same(decide(order, { type: "RefundFailed", detail: "again" }, NOW).change, null);
  t.same(decide(at("refunded"), { type: "RefundSucceeded" }, NOW).change, null);
});

t.test("an operator retry of a failed refund requests the refund again", async (t) => {
  const { order, d } = apply(at("failed", { paymentId: "pay_1", failureReason: "REFUND_FAILED: x" }), { type: "RefundRetryRequested" });
  t.equal(order.status, "refunded");
  t.equal(order.failureReason, null);
  t.same(d.emit, [{ type: "RefundRequested", payload: { orderId: "o-1", paymentId: "pay_1", amountCents: 5_000 } }]);
  t.match(decide(at("refunded", { paymentId: "pay_1" }), { type: "RefundRetryRequested" }, NOW).rejection, { code: "NOT_RETRYABLE" });
  t.match(decide(at("failed"), { type: "RefundRetryRequested" }, NOW).rejection, { code: "NOT_RETRYABLE" }, "nothing was paid");
  t.match(decide(null, { type: "RefundRetryRequested" }, NOW).rejection, { code: "NOT_FOUND" });
});

t.test("events for unknown orders are ignored", async (t) => {
  for (const input of [{ type: "PaymentSucceeded", paymentId: "p" }, { type: "StockConfirmed" }, { type: "StockReleased", reason: "HOLD_EXPIRED" }, { type: "PaymentTimedOut" }] as SagaInput[]) {
    t.same(decide(null, input, NOW), { create: null, change: null, emit: [], rejection: null }, input.type);
  }
});

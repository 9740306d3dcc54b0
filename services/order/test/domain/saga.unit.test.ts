import t from "tap";
import type { CartCheckedOut, StockReserved } from "@drops/events";
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
  t.same(d.emit, [{ type: "StockConfirmRequested", payload: { orderId: "o-1", dropId: "d-1", quantity: 2, lines: null } }], "a drop order's commands carry no lines");
  ({ order: o, d } = apply(o, { type: "StockConfirmed" }));
  t.equal(o.status, "confirmed");
  t.same(d.emit, [{ type: "OrderConfirmed", payload: { orderId: "o-1", dropId: "d-1", buyerId: "b-1", quantity: 2, amountCents: 5_000, paymentId: "pay_1" } }]);
  t.equal(o.version, 3);
  for (const input of [{ type: "StockConfirmed" }, { type: "PaymentSucceeded", paymentId: "pay_1" }, { type: "PaymentStarted", deadlineAt: 1 }] as SagaInput[]) {
    t.same(decide(o, input, NOW).change, null, `${input.type} again changes nothing`);
  }
});

t.test("a resumed charge restarts the payment deadline (the provider's silence), only while payment is pending and only later", async (t) => {
  let o = created();
  ({ order: o } = apply(o, { type: "PaymentStarted", deadlineAt: NOW + 10_000 }));
  const resumed = apply(o, { type: "ChargeResumed", deadlineAt: NOW + 25_000 });
  const d = resumed.d;
  o = resumed.order;
  t.equal(o.status, "payment_pending");
  t.equal(o.paymentDeadlineAt, NOW + 25_000);
  t.same(d.emit, [], "nothing sent");
  t.same(decide(o, { type: "ChargeResumed", deadlineAt: NOW + 20_000 }, NOW).change, null, "never moved earlier");
  t.same(decide(o, { type: "PaymentTimedOut" }, NOW + 20_000).change, null, "the old deadline no longer times it out");
  t.same(decide(created(), { type: "ChargeResumed", deadlineAt: NOW + 25_000 }, NOW).change, null, "a held order is started, not resumed");
  for (const status of ["paid", "confirmed", "cancelled", "expired", "refunded", "failed"] as const) {
    t.same(decide(at(status), { type: "ChargeResumed", deadlineAt: NOW + 25_000 }, NOW).change, null, `${status}: nothing`);
  }
});

t.test("a declined payment cancels and releases the stock", async (t) => {
  for (const status of ["held", "payment_pending"] as const) {
    const d = decide(at(status), { type: "PaymentFailed", reason: "DECLINED", detail: "card declined" }, NOW);
    t.match(d.change, { status: "cancelled", cancelReason: "PAYMENT_FAILED:DECLINED" });
    t.same(types(d), ["OrderCancelled", "StockReleaseRequested"]);
    t.match(d.emit[0]!.payload, { reason: "PAYMENT_FAILED", detail: "card declined" });
    t.same(d.emit[1]!.payload, { orderId: "o-1", dropId: "d-1", quantity: 2, reason: "PAYMENT_FAILED", lines: null });
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

// ---- cart orders: several product lines held under the order's id, dropId "" ----

const checkout: CartCheckedOut = {
  orderId: "c-1",
  buyerId: "b-1",
  lines: [
    { productId: "p-1", quantity: 2, unitPriceCents: 1_000 },
    { productId: "p-2", quantity: 1, unitPriceCents: 2_500 },
    { productId: "p-3", quantity: 3, unitPriceCents: 500 },
  ],
  amountCents: 6_000,
  currency: "EUR",
  paymentMethod: "pm_card_ok",
  holdExpiresAt: NOW + 900_000,
};
const stockLines = [
  { productId: "p-1", quantity: 2 },
  { productId: "p-2", quantity: 1 },
  { productId: "p-3", quantity: 3 },
];

function cartOrder(status: OrderStatus = "held", extra: Partial<Order> = {}): Order {
  return { ...decide(null, { type: "CartCheckedOut", checkout }, NOW).create!, status, ...extra };
}

const lineExpired = { type: "StockReleased", reason: "HOLD_EXPIRED" } as const;
const payloadOf = (d: Decision, type: string): unknown => d.emit.find((m) => m.type === type)?.payload;

t.test("CartCheckedOut creates a held cart order (dropId \"\", its lines, quantity the sum) and requests the total", async (t) => {
  const d = decide(null, { type: "CartCheckedOut", checkout }, NOW);
  t.same(d.create, {
    id: "c-1",
    dropId: "",
    buyerId: "b-1",
    quantity: 6,
    lines: [
      { productId: "p-1", quantity: 2, priceCents: 1_000 },
      { productId: "p-2", quantity: 1, priceCents: 2_500 },
      { productId: "p-3", quantity: 3, priceCents: 500 },
    ],
    amountCents: 6_000,
    currency: "EUR",
    paymentMethod: "pm_card_ok",
    status: "held",
    holdExpiresAt: NOW + 900_000,
    paymentDeadlineAt: null,
    paymentId: null,
    cancelReason: null,
    failureReason: null,
    createdAt: NOW,
    updatedAt: NOW,
    version: 0,
  });
  t.same(d.emit, [{ type: "PaymentRequested", payload: { orderId: "c-1", buyerId: "b-1", amountCents: 6_000, currency: "EUR", paymentMethod: "pm_card_ok" } }]);
  t.same(decide(cartOrder(), { type: "CartCheckedOut", checkout }, NOW), { create: null, change: null, emit: [], rejection: null }, "a duplicate changes nothing");
  t.same(decide(cartOrder("cancelled"), { type: "CartCheckedOut", checkout }, NOW).emit, [], "nor after the order ended");
  t.same(decide(null, { type: "CartCheckedOut", checkout: { ...checkout, lines: [] } }, NOW).create, null, "no lines, no order");
  t.same(decide(cartOrder(), { type: "StockReserved", reserved: { ...reserved, orderId: "c-1" }, defaultCurrency: "EUR" }, NOW).emit, [], "a StockReserved of the same id is a duplicate too");
});

t.test("a cart order's happy path: one StockConfirmRequested with every line, then confirmed", async (t) => {
  let o = cartOrder();
  let d: Decision;
  ({ order: o } = apply(o, { type: "PaymentStarted", deadlineAt: NOW + 10_000 }));
  ({ order: o, d } = apply(o, { type: "PaymentSucceeded", paymentId: "pay_c" }));
  t.equal(o.status, "paid");
  t.same(d.emit, [{ type: "StockConfirmRequested", payload: { orderId: "c-1", dropId: "", quantity: 6, lines: stockLines } }]);
  ({ order: o, d } = apply(o, { type: "StockConfirmed" }));
  t.equal(o.status, "confirmed");
  t.same(d.emit, [{ type: "OrderConfirmed", payload: { orderId: "c-1", dropId: "", buyerId: "b-1", quantity: 6, amountCents: 6_000, paymentId: "pay_c" } }]);
  t.same(decide(o, { type: "StockConfirmed" }, NOW).emit, [], "idempotent");
});

t.test("a cart order's declined or timed-out payment: cancelled, one release of every line", async (t) => {
  for (const [status, input] of [
    ["held", { type: "PaymentFailed", reason: "DECLINED", detail: "card declined" }],
    ["payment_pending", { type: "PaymentFailed", reason: "DECLINED", detail: "card declined" }],
    ["payment_pending", { type: "PaymentTimedOut" }],
  ] as const) {
    const o = cartOrder(status, { paymentDeadlineAt: NOW });
    const { order, d } = apply(o, input);
    t.equal(order.status, "cancelled", `${status} ${input.type}`);
    t.same(types(d), ["OrderCancelled", "StockReleaseRequested"]);
    t.same(payloadOf(d, "StockReleaseRequested"), { orderId: "c-1", dropId: "", quantity: 6, reason: "PAYMENT_FAILED", lines: stockLines });
    t.match(payloadOf(d, "OrderCancelled"), { orderId: "c-1", dropId: "", reason: "PAYMENT_FAILED" });
    t.same(decide(order, input, NOW + 1).emit, [], "not twice");
  }
});

t.test("a line's hold expiring before payment expires the cart order and releases every line, once", async (t) => {
  for (const status of ["held", "payment_pending"] as const) {
    const { order, d } = apply(cartOrder(status), lineExpired);
    t.equal(order.status, "expired");
    t.equal(order.cancelReason, "HOLD_EXPIRED");
    t.same(types(d), ["OrderCancelled", "StockReleaseRequested"], "the other lines are still held: released");
    t.same(payloadOf(d, "StockReleaseRequested"), { orderId: "c-1", dropId: "", quantity: 6, reason: "HOLD_EXPIRED", lines: stockLines });
    t.match(payloadOf(d, "OrderCancelled"), { reason: "HOLD_EXPIRED", dropId: "" });
    t.same(decide(order, lineExpired, NOW).emit, [], "another line's expiry changes nothing");
  }
  // A charge that raced the expiry is refunded, as for a drop order.
  const { d } = apply(cartOrder("expired"), { type: "PaymentSucceeded", paymentId: "pay_c" });
  t.same(types(d), ["RefundRequested"]);
});

t.test("a line's hold expiring on a paid cart order refunds it and releases every line", async (t) => {
  const { order, d } = apply(cartOrder("paid", { paymentId: "pay_c" }), lineExpired);
  t.equal(order.status, "refunded");
  t.equal(order.cancelReason, "HOLD_EXPIRED");
  t.same(types(d), ["RefundRequested", "OrderCancelled", "StockReleaseRequested"]);
  t.same(payloadOf(d, "RefundRequested"), { orderId: "c-1", paymentId: "pay_c", amountCents: 6_000 });
  t.same(payloadOf(d, "StockReleaseRequested"), { orderId: "c-1", dropId: "", quantity: 6, reason: "REFUNDED", lines: stockLines });
  t.same(decide(order, lineExpired, NOW).emit, [], "idempotent");
  t.same(decide(cartOrder("confirmed", { paymentId: "pay_c" }), lineExpired, NOW).change, null, "a confirmed order's lines are sold: no hold left to expire");
  t.same(decide(cartOrder("held"), { type: "StockReleased", reason: "ORDER_CANCELLED" }, NOW).change, null, "other release reasons are answers");
});

t.test("StockConfirmFailed on a cart order refunds and releases every line (the confirmed ones are refunded by the inventory)", async (t) => {
  const { order, d } = apply(cartOrder("paid", { paymentId: "pay_c" }), { type: "StockConfirmFailed", reason: "HOLD_GONE", detail: "p-2 expired" });
  t.equal(order.status, "refunded");
  t.equal(order.cancelReason, "CONFIRM_FAILED:HOLD_GONE");
  t.same(types(d), ["RefundRequested", "OrderCancelled", "StockReleaseRequested"]);
  t.same(payloadOf(d, "StockReleaseRequested"), { orderId: "c-1", dropId: "", quantity: 6, reason: "REFUNDED", lines: stockLines });
  t.match(payloadOf(d, "OrderCancelled"), { reason: "REFUNDED" });
  t.same(decide(order, { type: "StockConfirmFailed", reason: "HOLD_GONE", detail: null }, NOW).emit, [], "idempotent");
  const drop = decide(at("paid", { paymentId: "pay_1" }), { type: "StockConfirmFailed", reason: "HOLD_GONE", detail: null }, NOW);
  t.same(types(drop), ["RefundRequested", "OrderCancelled"], "a drop order's hold is gone: nothing to release");
});

t.test("buyer cancel of a cart order: before payment cancelled + release of every line; after, refunded + refund + release", async (t) => {
  for (const status of ["held", "payment_pending"] as const) {
    const { order, d } = apply(cartOrder(status), { type: "CancelRequested", buyerId: "b-1" });
    t.equal(order.status, "cancelled");
    t.same(types(d), ["OrderCancelled", "StockReleaseRequested"]);
    t.same(payloadOf(d, "StockReleaseRequested"), { orderId: "c-1", dropId: "", quantity: 6, reason: "ORDER_CANCELLED", lines: stockLines });
    t.same(decide(order, { type: "CancelRequested", buyerId: "b-1" }, NOW).emit, [], "the same answer again");
  }
  for (const status of ["paid", "confirmed"] as const) {
    const { order, d } = apply(cartOrder(status, { paymentId: "pay_c" }), { type: "CancelRequested", buyerId: "b-1" });
    t.equal(order.status, "refunded");
    t.same(types(d), ["RefundRequested", "OrderCancelled", "StockReleaseRequested"]);
    t.same(payloadOf(d, "StockReleaseRequested"), { orderId: "c-1", dropId: "", quantity: 6, reason: "REFUNDED", lines: stockLines });
    t.same(decide(order, { type: "CancelRequested", buyerId: "b-1" }, NOW).emit, [], "the same answer again");
  }
  t.match(decide(cartOrder(), { type: "CancelRequested", buyerId: "someone-else" }, NOW).rejection, { code: "NOT_FOUND" });
});

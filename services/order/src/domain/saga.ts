/**
 * The purchase saga as pure functions: `decide(order, input, now)` says what changes and which
 * messages go out; `evolve(order, change, now)` applies a change. No I/O, no clock, no ids: the
 * caller passes time in and wraps the messages in envelopes. Every input is idempotent: applied to
 * an order that already moved past it, it changes nothing and sends nothing.
 *
 * Two kinds of order: a drop order (StockReserved: one drop, `lines` null) and a cart order
 * (CartCheckedOut: dropId "", `lines` = its products, every line held under the order's id). Every
 * inventory command carries the order's lines, so the inventory confirms or releases all of them at
 * once. A cart order differs in its compensations: a line's hold expiring (StockReleased HOLD_EXPIRED
 * for that product) ends the whole order and releases the other lines too, and a failed confirm
 * releases every line (some may have been confirmed: the inventory refunds those).
 */
import type { CartCheckedOut, PaymentFailReason, StockConfirmFailReason, StockReleaseReason, StockReserved } from "@drops/events";
import type { ErrorCode } from "@drops/http";
import { isBeforePayment, outgoing, stockLines } from "./order.ts";
import type { Order, Outgoing } from "./order.ts";

export type SagaInput =
  | { type: "StockReserved"; reserved: StockReserved; defaultCurrency: string }
  | { type: "CartCheckedOut"; checkout: CartCheckedOut }
  | { type: "PaymentStarted"; deadlineAt: number }
  /**
   * An interrupted charge sent to the provider again (its worker died, paused or lost its lease):
   * the deadline measures the provider's silence, so it restarts from this send.
   */
  | { type: "ChargeResumed"; deadlineAt: number }
  | { type: "PaymentSucceeded"; paymentId: string }
  | { type: "PaymentFailed"; reason: PaymentFailReason; detail: string | null }
  | { type: "PaymentTimedOut" }
  | { type: "StockConfirmed" }
  | { type: "StockConfirmFailed"; reason: StockConfirmFailReason; detail: string | null }
  | { type: "StockReleased"; reason: StockReleaseReason }
  | { type: "RefundSucceeded" }
  | { type: "RefundFailed"; detail: string | null }
  | { type: "CancelRequested"; buyerId: string }
  /** An operator retries the refund of a failed order. */
  | { type: "RefundRetryRequested" };

export type OrderChange = Partial<Pick<Order, "status" | "paymentDeadlineAt" | "paymentId" | "cancelReason" | "failureReason">>;

/** Why a buyer's or an operator's request was refused; the codes are the catalogue's (@drops/http). */
export type Rejection = { code: Extract<ErrorCode, "NOT_FOUND" | "NOT_CANCELLABLE" | "NOT_RETRYABLE">; message: string };

/** `create`: a new order; `change`: a change of an existing one; `emit`: the messages to send. */
export type Decision = { create: Order | null; change: OrderChange | null; emit: Outgoing[]; rejection: Rejection | null };

const nothing: Decision = { create: null, change: null, emit: [], rejection: null };

function changed(change: OrderChange, emit: Outgoing[] = []): Decision {
  return { create: null, change, emit, rejection: null };
}

function rejected(code: Rejection["code"], message: string): Decision {
  return { ...nothing, rejection: { code, message } };
}

export function evolve(order: Order, change: OrderChange, now: number): Order {
  return { ...order, ...change, updatedAt: now, version: order.version + 1 };
}

/** What every new order starts as: held until its hold expires, nothing paid or ended yet. */
function held(holdExpiresAt: number, now: number): Pick<Order, "status" | "holdExpiresAt" | "paymentDeadlineAt" | "paymentId" | "cancelReason" | "failureReason" | "createdAt" | "updatedAt" | "version"> {
  return { status: "held", holdExpiresAt, paymentDeadlineAt: null, paymentId: null, cancelReason: null, failureReason: null, createdAt: now, updatedAt: now, version: 0 };
}

function create(input: Extract<SagaInput, { type: "StockReserved" }>, now: number): Decision {
  const r = input.reserved;
  return created({
    id: r.orderId,
    dropId: r.dropId,
    buyerId: r.buyerId,
    quantity: r.quantity,
    lines: null,
    amountCents: r.amountCents ?? 0,
    currency: r.currency ?? input.defaultCurrency,
    paymentMethod: r.paymentMethod,
    ...held(r.holdExpiresAt, now),
  });
}

/** A checked-out cart: the order (held, every line held by the cart's checkout) and its PaymentRequested for the total. */
function createFromCart(c: CartCheckedOut, now: number): Decision {
  if (c.lines.length === 0) return nothing; // the cart refuses an empty checkout (CART_EMPTY); nothing to sell
  return created({
    id: c.orderId,
    dropId: "",
    buyerId: c.buyerId,
    quantity: c.lines.reduce((n, l) => n + l.quantity, 0),
    lines: c.lines.map((l) => ({ productId: l.productId, quantity: l.quantity, priceCents: l.unitPriceCents })),
    amountCents: c.amountCents,
    currency: c.currency,
    paymentMethod: c.paymentMethod,
    ...held(c.holdExpiresAt, now),
  });
}

function created(order: Order): Decision {
  const request = outgoing("PaymentRequested", {
    orderId: order.id,
    buyerId: order.buyerId,
    amountCents: order.amountCents,
    currency: order.currency,
    paymentMethod: order.paymentMethod,
  });
  return { create: order, change: null, emit: [request], rejection: null };
}

const release = (o: Order, reason: StockReleaseReason): Outgoing =>
  outgoing("StockReleaseRequested", { orderId: o.id, dropId: o.dropId, quantity: o.quantity, reason, lines: stockLines(o) });

const isCart = (o: Order): boolean => o.lines !== null;

const refund = (o: Order, paymentId: string): Outgoing => outgoing("RefundRequested", { orderId: o.id, paymentId, amountCents: o.amountCents });

const cancelled = (o: Order, reason: "PAYMENT_FAILED" | "HOLD_EXPIRED" | "BUYER_CANCELLED" | "REFUNDED", detail: string | null): Outgoing =>
  outgoing("OrderCancelled", { orderId: o.id, dropId: o.dropId, buyerId: o.buyerId, quantity: o.quantity, reason, detail });

/** Payment failed or timed out before it succeeded: cancel and give the stock back. */
function cancelUnpaid(o: Order, cancelReason: string, detail: string | null): Decision {
  return changed({ status: "cancelled", cancelReason, paymentDeadlineAt: null }, [cancelled(o, "PAYMENT_FAILED", detail), release(o, "PAYMENT_FAILED")]);
}

/** Money was taken but the sale cannot happen: refund, the order ends refunded. */
function refundPaid(o: Order, cancelReason: string, reason: "HOLD_EXPIRED" | "REFUNDED", detail: string, releaseStock: boolean): Decision {
  const emit = [refund(o, o.paymentId ?? ""), cancelled(o, reason, detail)];
  if (releaseStock) emit.push(release(o, "REFUNDED"));
  return changed({ status: "refunded", cancelReason }, emit);
}

function onPaymentSucceeded(o: Order, paymentId: string): Decision {
  if (isBeforePayment(o.status)) {
    return changed({ status: "paid", paymentId, paymentDeadlineAt: null }, [
      outgoing("StockConfirmRequested", { orderId: o.id, dropId: o.dropId, quantity: o.quantity, lines: stockLines(o) }),
    ]);
  }
  // A charge that succeeded after the order ended without a sale: give the money back once.
  if ((o.status === "cancelled" || o.status === "expired") && o.paymentId === null) return changed({ paymentId }, [refund(o, paymentId)]);
  return nothing;
}

function onCancelRequested(o: Order, buyerId: string): Decision {
  if (o.buyerId !== buyerId) return rejected("NOT_FOUND", "order not found");
  if (isBeforePayment(o.status)) {
    return changed({ status: "cancelled", cancelReason: "BUYER_CANCELLED", paymentDeadlineAt: null }, [
      cancelled(o, "BUYER_CANCELLED", null),
      release(o, "ORDER_CANCELLED"),
    ]);
  }
  if (o.status === "paid" || o.status === "confirmed") return refundPaid(o, "BUYER_CANCELLED", "REFUNDED", "cancelled by the buyer", true);
  if (o.status === "failed") return rejected("NOT_CANCELLABLE", "the order needs an operator and cannot be cancelled");
  return nothing; // already ended: the same answer again
}

/**
 * Releases the saga asked for are answers, not news. Only an expiry comes from the inventory alone: a
 * drop order's hold, or one line's of a cart order (the other lines may still be held: released too,
 * in one command; the inventory's release is idempotent, the expired line's is a no-op).
 */
function onStockReleased(o: Order, reason: StockReleaseReason): Decision {
  if (reason !== "HOLD_EXPIRED") return nothing;
  if (isBeforePayment(o.status)) {
    const emit = [cancelled(o, "HOLD_EXPIRED", null)];
    if (isCart(o)) emit.push(release(o, "HOLD_EXPIRED"));
    return changed({ status: "expired", cancelReason: "HOLD_EXPIRED", paymentDeadlineAt: null }, emit);
  }
  if (o.status === "paid") return refundPaid(o, "HOLD_EXPIRED", "HOLD_EXPIRED", "the hold expired before the sale was confirmed; payment refunded", isCart(o));
  return nothing;
}

export function decide(order: Order | null, input: SagaInput, now: number): Decision {
  if (order === null) {
    if (input.type === "StockReserved") return create(input, now);
    if (input.type === "CartCheckedOut") return createFromCart(input.checkout, now);
    if (input.type === "CancelRequested" || input.type === "RefundRetryRequested") return rejected("NOT_FOUND", "order not found");
    return nothing; // not an order of ours (or not yet known): nothing to do
  }
  const o = order;
  switch (input.type) {
    case "StockReserved":
    case "CartCheckedOut":
      return nothing; // duplicate
    case "PaymentStarted":
      return o.status === "held" ? changed({ status: "payment_pending", paymentDeadlineAt: input.deadlineAt }) : nothing;
    case "ChargeResumed":
      return o.status === "payment_pending" && (o.paymentDeadlineAt === null || input.deadlineAt > o.paymentDeadlineAt) ? changed({ paymentDeadlineAt: input.deadlineAt }) : nothing;
    case "PaymentSucceeded":
      return onPaymentSucceeded(o, input.paymentId);
    case "PaymentFailed":
      return isBeforePayment(o.status) ? cancelUnpaid(o, `PAYMENT_FAILED:${input.reason}`, input.detail ?? input.reason) : nothing;
    case "PaymentTimedOut":
      return o.status === "payment_pending" && o.paymentDeadlineAt !== null && now >= o.paymentDeadlineAt
        ? cancelUnpaid(o, "PAYMENT_FAILED:TIMEOUT", "payment timed out")
        : nothing;
    case "StockConfirmed":
      return o.status === "paid"
        ? changed({ status: "confirmed" }, [
            outgoing("OrderConfirmed", {
              orderId: o.id,
              dropId: o.dropId,
              buyerId: o.buyerId,
              quantity: o.quantity,
              amountCents: o.amountCents,
              paymentId: o.paymentId ?? "",
            }),
          ])
        : nothing;
    case "StockConfirmFailed":
      // A drop order's hold is gone: nothing to give back. A cart order's other lines may be held or
      // already confirmed: every line released (the inventory refunds the sold ones).
      return o.status === "paid"
        ? refundPaid(o, `CONFIRM_FAILED:${input.reason}`, "REFUNDED", `stock could not be confirmed (${input.detail ?? input.reason}); payment refunded`, isCart(o))
        : nothing;
    case "StockReleased":
      return onStockReleased(o, input.reason);
    case "RefundSucceeded":
      return nothing;
    case "RefundFailed":
      return o.status === "failed" ? nothing : changed({ status: "failed", failureReason: `REFUND_FAILED: ${input.detail ?? "unknown"}` });
    case "CancelRequested":
      return onCancelRequested(o, input.buyerId);
    case "RefundRetryRequested":
      if (o.status !== "failed" || o.paymentId === null) return rejected("NOT_RETRYABLE", `order is ${o.status}; only a failed refund can be retried`);
      return changed({ status: "refunded", failureReason: null }, [refund(o, o.paymentId)]);
  }
}


/**
 * Payment worker, PaymentRequested -> charge the buyer -> PaymentSucceeded / PaymentFailed (outbox).
 * 1. One transaction: the order moves held -> payment_pending (deadline set) and the payment row is
 *    `processing`; an order that is no longer payable (cancelled, expired) is not charged.
 * 2. The provider call, cut off at the order's deadline (pm_card_timeout never answers).
 * 3. One transaction: the payment row settled and the result event in the outbox.
 * A crash between 1 and 3 repeats the charge with the same order id, which the provider treats as the
 * same payment. A payment already settled is not charged again.
 *
 * With a charge runner (the service's, src/workers/charges.ts), the handler returns once step 1 is
 * committed: steps 2 and 3 run in one of the runner's slots, so a charge that never answers holds
 * its slot, not its partition. The `processing` row (leased, the lease renewed while the charge is
 * in flight) is then what carries the request past a crash: the runner of any instance resumes a
 * processing row whose lease ran out. Without a runner (tests), the handler does all three steps.
 */
import type { Handler } from "@drops/kafka";
import type { PaymentRequested } from "@drops/events";
import { inTransaction } from "@drops/db";
import { outgoing } from "../domain/order.ts";
import { appendOutbox, envelopes, type Cause } from "../store/outbox.ts";
import type { ChargeResult, PaymentDeps } from "../store/payment-provider.ts";
import { lockPayment, settlePayment, skipPayment, startPayment } from "../store/payments.ts";
import { applyInTx, causeOf } from "../store/saga-step.ts";

/**
 * Starts (or resumes) the charge; returns its deadline, or null when there is nothing to charge.
 * A payment row still `processing` means an earlier attempt died mid-charge: the charge is repeated
 * (the provider treats it as the same payment) whatever the order's status now, so money taken by
 * that attempt is reported and, if the order ended meanwhile, refunded by the saga.
 */
export async function beginCharge(deps: PaymentDeps, req: PaymentRequested, cause: Cause): Promise<number | null> {
  return inTransaction(deps.pool, async (tx) => {
    const now = deps.now();
    const payment = await lockPayment(tx, req.orderId);
    const base = { orderId: req.orderId, amountCents: req.amountCents, paymentMethod: req.paymentMethod, now };
    if (payment !== null) {
      if (payment.status !== "processing") return null; // settled before: a redelivery
      const { order } = await applyInTx(tx, deps, req.orderId, { type: "PaymentStarted", deadlineAt: now + deps.paymentTimeoutMs }, cause);
      await startPayment(tx, base);
      const deadline = order?.status === "payment_pending" ? order.paymentDeadlineAt : null;
      return Math.max(deadline ?? 0, now + Math.min(deps.paymentTimeoutMs, 5_000));
    }
    const { order } = await applyInTx(tx, deps, req.orderId, { type: "PaymentStarted", deadlineAt: now + deps.paymentTimeoutMs }, cause);
    if (order === null) return null; // not an order of this service: nothing to charge
    if (order.status !== "payment_pending") {
      await skipPayment(tx, { ...base, reason: `order is ${order.status}` });
      return null;
    }
    await startPayment(tx, base);
    return order.paymentDeadlineAt ?? now + deps.paymentTimeoutMs;
  });
}

/** Thrown when the charge was abandoned because the worker stops: nothing settled, the row stays processing. */
export class ChargeStopped extends Error {}

async function charge(deps: PaymentDeps, req: PaymentRequested, deadlineAt: number, stop?: AbortSignal): Promise<ChargeResult> {
  const deadline = AbortSignal.timeout(Math.max(0, deadlineAt - deps.now()));
  const signal = stop === undefined ? deadline : AbortSignal.any([deadline, stop]);
  try {
    return await deps.provider.charge({ orderId: req.orderId, amountCents: req.amountCents, currency: req.currency, paymentMethod: req.paymentMethod }, signal);
  } catch (err) {
    if (stop?.aborted === true) throw new ChargeStopped("the payment worker stopped mid-charge");
    if (!deadline.aborted) throw err; // provider error: retried (runConsumer, or the charge runner)
    return { status: "declined", reason: "TIMEOUT", detail: `no answer from the payment provider within ${deps.paymentTimeoutMs} ms` };
  }
}

/** Steps 2 and 3 of a charge begun by beginCharge: the provider call (until `deadlineAt`) and the settlement. */
export async function finishCharge(deps: PaymentDeps, req: PaymentRequested, deadlineAt: number, cause: Cause, stop?: AbortSignal): Promise<void> {
  const result = await charge(deps, req, deadlineAt, stop);
  await settle(deps, req, result, cause);
}

async function settle(deps: PaymentDeps, req: PaymentRequested, result: ChargeResult, cause: Cause): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    const now = deps.now();
    // Settles only a processing row, atomically (the UPDATE locks it; a concurrent attempt of the same
    // charge waits, then finds it settled and settles nothing).
    const settled = await settlePayment(tx, {
      orderId: req.orderId,
      status: result.status === "approved" ? "succeeded" : "failed",
      providerRef: result.status === "approved" ? result.paymentId : null,
      error: result.status === "approved" ? null : `${result.reason}: ${result.detail}`,
      now,
    });
    if (!settled) return;
    const message =
      result.status === "approved"
        ? outgoing("PaymentSucceeded", { orderId: req.orderId, paymentId: result.paymentId, amountCents: req.amountCents })
        : outgoing("PaymentFailed", { orderId: req.orderId, amountCents: req.amountCents, reason: result.reason, detail: result.detail });
    await appendOutbox(tx, envelopes(deps, req.orderId, [message], cause, now));
  });
}

/** Where a begun charge goes to finish without holding the consumer (src/workers/charges.ts). */
export type ChargeSlots = {
  /** Resolves once a slot is free (backpressure: the consumer waits when every slot is taken). */
  acquire(): Promise<void>;
  release(): void;
  /** Runs steps 2 and 3 in the acquired slot, releases it when done; never rejects. */
  finish(req: PaymentRequested, deadlineAt: number, cause: Cause): void;
};

export function chargeOnPaymentRequested(deps: PaymentDeps, slots?: ChargeSlots): Handler<"PaymentRequested"> {
  if (slots === undefined) {
    return async (event) => {
      const cause = causeOf(event);
      const deadlineAt = await beginCharge(deps, event.payload, cause);
      if (deadlineAt === null) return;
      await finishCharge(deps, event.payload, deadlineAt, cause);
    };
  }
  return async (event) => {
    const cause = causeOf(event);
    await slots.acquire();
    let deadlineAt: number | null;
    try {
      deadlineAt = await beginCharge(deps, event.payload, cause);
    } catch (err) {
      slots.release();
      throw err;
    }
    if (deadlineAt === null) slots.release();
    else slots.finish(event.payload, deadlineAt, cause);
  };
}

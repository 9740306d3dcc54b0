/**
 * Payment worker, PaymentRequested -> charge the buyer -> PaymentSucceeded / PaymentFailed (outbox).
 * 1. One transaction: the order moves held -> payment_pending (deadline set) and the payment row is
 *    `processing`; an order that is no longer payable (cancelled, expired) is not charged.
 * 2. The provider call, cut off at the order's deadline (pm_card_timeout never answers): the
 *    deadline starts when the charge is sent and does not count time this process was frozen.
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
import { silenceDeadline } from "../workers/stall-watch.ts";

/** A charge sent (or about to be sent) to the provider: until when it may go unanswered, and which attempt it is. */
export type StartedCharge = { deadlineAt: number; attempt: number };

/**
 * Starts (or resumes) the charge; returns its deadline and attempt, or null when there is nothing to
 * charge. The deadline measures the provider's silence, so it starts now, when the charge is sent.
 * A payment row still `processing` means an earlier attempt was interrupted (its worker died,
 * froze, or lost its lease): the charge is sent again (the provider treats it as the same payment)
 * whatever the order's status now, so money taken by that attempt is reported and, if the order
 * ended meanwhile, refunded by the saga; a pending order's deadline restarts from this send
 * (ChargeResumed) rather than running out while nobody was asking the provider.
 */
export async function beginCharge(deps: PaymentDeps, req: PaymentRequested, cause: Cause): Promise<StartedCharge | null> {
  return inTransaction(deps.pool, async (tx) => {
    const now = deps.now();
    const deadlineAt = now + deps.paymentTimeoutMs;
    const payment = await lockPayment(tx, req.orderId);
    const base = { orderId: req.orderId, amountCents: req.amountCents, paymentMethod: req.paymentMethod, now };
    if (payment !== null) {
      if (payment.status !== "processing") return null; // settled before: a redelivery
      const { order } = await applyInTx(tx, deps, req.orderId, { type: "ChargeResumed", deadlineAt }, cause);
      const attempt = await startPayment(tx, base);
      // An order that ended meanwhile is still asked once (money a lost attempt took is then refunded), briefly.
      return { deadlineAt: order?.status === "payment_pending" ? deadlineAt : now + Math.min(deps.paymentTimeoutMs, 5_000), attempt };
    }
    const { order } = await applyInTx(tx, deps, req.orderId, { type: "PaymentStarted", deadlineAt }, cause);
    if (order === null) return null; // not an order of this service: nothing to charge
    if (order.status !== "payment_pending") {
      await skipPayment(tx, { ...base, reason: `order is ${order.status}` });
      return null;
    }
    const attempt = await startPayment(tx, base);
    return { deadlineAt: order.paymentDeadlineAt ?? deadlineAt, attempt };
  });
}

/** Thrown when the charge was abandoned because the worker stops: nothing settled, the row stays processing. */
export class ChargeStopped extends Error {}

/** The provider's answer, or our own cut-off at the deadline (`timedOut`). */
type Outcome = { result: ChargeResult; timedOut: boolean };

async function charge(deps: PaymentDeps, req: PaymentRequested, started: StartedCharge, stop?: AbortSignal): Promise<Outcome> {
  // Not AbortSignal.timeout: the time this process was frozen is not the provider's silence.
  const deadline = silenceDeadline(Math.max(0, started.deadlineAt - deps.now()), deps.paymentTimeoutMs);
  const signal = stop === undefined ? deadline.signal : AbortSignal.any([deadline.signal, stop]);
  try {
    return { result: await deps.provider.charge({ orderId: req.orderId, amountCents: req.amountCents, currency: req.currency, paymentMethod: req.paymentMethod }, signal), timedOut: false };
  } catch (err) {
    if (stop?.aborted === true) throw new ChargeStopped("the payment worker stopped mid-charge");
    if (!deadline.signal.aborted) throw err; // provider error: retried (runConsumer, or the charge runner)
    return { result: { status: "declined", reason: "TIMEOUT", detail: `no answer from the payment provider within ${deps.paymentTimeoutMs} ms` }, timedOut: true };
  } finally {
    deadline.dispose();
  }
}

/** Steps 2 and 3 of a charge begun by beginCharge: the provider call (until its deadline) and the settlement. */
export async function finishCharge(deps: PaymentDeps, req: PaymentRequested, started: StartedCharge, cause: Cause, stop?: AbortSignal): Promise<void> {
  const outcome = await charge(deps, req, started, stop);
  await settle(deps, req, outcome, started.attempt, cause);
}

async function settle(deps: PaymentDeps, req: PaymentRequested, { result, timedOut }: Outcome, attempt: number, cause: Cause): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    const now = deps.now();
    // Settles only a processing row, atomically (the UPDATE locks it; a concurrent attempt of the same
    // charge waits, then finds it settled and settles nothing). The provider's answer settles whichever
    // attempt got it; our own time-out only the latest attempt: an attempt superseded by a resumed one
    // (this worker froze or lost its lease meanwhile) must not time out the charge the other is making.
    const settled = await settlePayment(tx, {
      orderId: req.orderId,
      status: result.status === "approved" ? "succeeded" : "failed",
      providerRef: result.status === "approved" ? result.paymentId : null,
      error: result.status === "approved" ? null : `${result.reason}: ${result.detail}`,
      now,
      onlyAttempt: timedOut ? attempt : null,
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
  finish(req: PaymentRequested, started: StartedCharge, cause: Cause): void;
  /** Whether this order's charge is in flight here already (a redelivered request then changes nothing). */
  isInFlight(orderId: string): boolean;
};

export function chargeOnPaymentRequested(deps: PaymentDeps, slots?: ChargeSlots): Handler<"PaymentRequested"> {
  if (slots === undefined) {
    return async (event) => {
      const cause = causeOf(event);
      const started = await beginCharge(deps, event.payload, cause);
      if (started === null) return;
      await finishCharge(deps, event.payload, started, cause);
    };
  }
  return async (event) => {
    const cause = causeOf(event);
    if (slots.isInFlight(event.payload.orderId)) return; // a redelivery while its charge runs here
    await slots.acquire();
    let started: StartedCharge | null;
    try {
      started = await beginCharge(deps, event.payload, cause);
    } catch (err) {
      slots.release();
      throw err;
    }
    if (started === null) slots.release();
    else slots.finish(event.payload, started, cause);
  };
}

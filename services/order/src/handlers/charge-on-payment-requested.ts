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
import { lockOrder } from "../store/orders.ts";
import { applyToLocked, causeOf } from "../store/saga-step.ts";
import { silenceDeadline, stallCount } from "../workers/stall-watch.ts";

/**
 * A charge sent (or about to be sent) to the provider: until when it may go unanswered, which attempt
 * it is, and the process's stall count when it was begun (stall-watch.ts): a charge begun, then frozen
 * before it was sent, gets its whole timeout from the send.
 */
export type StartedCharge = { deadlineAt: number; attempt: number; stalls: number };

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
    // The order first, then its payment. Another attempt of the same charge begun at the same time
    // (another instance's redelivery or recovery) waits on the order until this one commits, then
    // finds its processing row and resumes it. Payment first, a row not yet committed was invisible
    // to the other's FOR UPDATE, and it started the charge afresh under the first one's deadline,
    // which had run out while it waited (a paying buyer cancelled: the SIGSTOP drill).
    const current = await lockOrder(tx, req.orderId);
    const payment = await lockPayment(tx, req.orderId);
    // The clock is read once the locks are held: waiting for them is not the provider's silence.
    const now = deps.now();
    const stalls = stallCount();
    const deadlineAt = now + deps.paymentTimeoutMs;
    const base = { orderId: req.orderId, amountCents: req.amountCents, paymentMethod: req.paymentMethod, now };
    if (payment !== null) {
      if (payment.status !== "processing") return null; // settled before: a redelivery
      const { order } = await applyToLocked(tx, deps, req.orderId, current, { type: "ChargeResumed", deadlineAt }, cause);
      const attempt = await startPayment(tx, base);
      // An order that ended meanwhile is still asked once (money a lost attempt took is then refunded), briefly.
      return { deadlineAt: order?.status === "payment_pending" ? deadlineAt : now + Math.min(deps.paymentTimeoutMs, 5_000), attempt, stalls };
    }
    const { order } = await applyToLocked(tx, deps, req.orderId, current, { type: "PaymentStarted", deadlineAt }, cause);
    if (order === null) return null; // not an order of this service: nothing to charge
    if (order.status !== "payment_pending") {
      await skipPayment(tx, { ...base, reason: `order is ${order.status}` });
      return null;
    }
    const attempt = await startPayment(tx, base);
    return { deadlineAt: order.paymentDeadlineAt ?? deadlineAt, attempt, stalls };
  });
}

/** Thrown when the charge was abandoned because the worker stops: nothing settled, the row stays processing. */
export class ChargeStopped extends Error {}

/** The provider's answer, or our own cut-off at the deadline (`timedOut`). */
type Outcome = { result: ChargeResult; timedOut: boolean };

async function charge(deps: PaymentDeps, req: PaymentRequested, started: StartedCharge, stop?: AbortSignal): Promise<Outcome> {
  // Not AbortSignal.timeout: the time this process was frozen is not the provider's silence. Frozen
  // since the charge was begun (before it was sent), the whole timeout runs from now.
  const left = stallCount() !== started.stalls ? deps.paymentTimeoutMs : Math.max(0, started.deadlineAt - deps.now());
  const deadline = silenceDeadline(left, deps.paymentTimeoutMs);
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

/** How a charge ended here: cut off by our own deadline or answered, and whether that settled the payment (false: another attempt had). */
export type Finished = { timedOut: boolean; settled: boolean };

/** Steps 2 and 3 of a charge begun by beginCharge: the provider call (until its deadline) and the settlement. */
export async function finishCharge(deps: PaymentDeps, req: PaymentRequested, started: StartedCharge, cause: Cause, stop?: AbortSignal): Promise<Finished> {
  const outcome = await charge(deps, req, started, stop);
  return { timedOut: outcome.timedOut, settled: await settle(deps, req, outcome, started.attempt, cause) };
}

async function settle(deps: PaymentDeps, req: PaymentRequested, { result, timedOut }: Outcome, attempt: number, cause: Cause): Promise<boolean> {
  return inTransaction(deps.pool, async (tx) => {
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
    if (!settled) return false;
    const message =
      result.status === "approved"
        ? outgoing("PaymentSucceeded", { orderId: req.orderId, paymentId: result.paymentId, amountCents: req.amountCents })
        : outgoing("PaymentFailed", { orderId: req.orderId, amountCents: req.amountCents, reason: result.reason, detail: result.detail });
    await appendOutbox(tx, envelopes(deps, req.orderId, [message], cause, now));
    return true;
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

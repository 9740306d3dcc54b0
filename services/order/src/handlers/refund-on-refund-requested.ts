/**
 * Payment worker, RefundRequested -> provider refund -> RefundSucceeded (outbox). A failing refund
 * is thrown back to runConsumer, which retries with backoff; on the last attempt the worker records
 * the failure and publishes RefundFailed instead, and the saga marks the order failed for an operator.
 */
import type { Handler } from "@drops/kafka";
import type { RefundRequested } from "@drops/events";
import { inTransaction } from "@drops/db";
import { outgoing } from "../domain/order.ts";
import { appendOutbox, envelopes, type Cause } from "../store/outbox.ts";
import type { PaymentDeps } from "../store/payment-provider.ts";
import { lockPayment, recordRefund } from "../store/payments.ts";
import { causeOf } from "../store/saga-step.ts";

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function record(deps: PaymentDeps, req: RefundRequested, cause: Cause, outcome: { refundId: string } | { error: string; final: boolean; attempts: number }): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    const now = deps.now();
    if ("refundId" in outcome) {
      await recordRefund(tx, { orderId: req.orderId, status: "refunded", refundRef: outcome.refundId, error: null, now });
      const done = outgoing("RefundSucceeded", { orderId: req.orderId, paymentId: req.paymentId, refundId: outcome.refundId, amountCents: req.amountCents });
      await appendOutbox(tx, envelopes(deps, req.orderId, [done], cause, now));
      return;
    }
    await recordRefund(tx, { orderId: req.orderId, status: outcome.final ? "refund_failed" : null, refundRef: null, error: outcome.error, now });
    if (outcome.final) {
      const failed = outgoing("RefundFailed", { orderId: req.orderId, paymentId: req.paymentId, amountCents: req.amountCents, attempts: outcome.attempts, detail: outcome.error });
      await appendOutbox(tx, envelopes(deps, req.orderId, [failed], cause, now));
    }
  });
}

export function refundOnRefundRequested(deps: PaymentDeps): Handler<"RefundRequested"> {
  return async (event, ctx) => {
    const req = event.payload;
    const payment = await inTransaction(deps.pool, (tx) => lockPayment(tx, req.orderId));
    if (payment?.status === "refunded" || payment?.status === "refund_failed") return; // done before: a redelivery
    let refundId: string;
    try {
      ({ refundId } = await deps.provider.refund(req, AbortSignal.timeout(deps.paymentTimeoutMs)));
    } catch (err) {
      const final = ctx.attempt >= deps.maxAttempts;
      await record(deps, req, causeOf(event), { error: describe(err), final, attempts: ctx.attempt });
      if (final) return;
      throw err;
    }
    await record(deps, req, causeOf(event), { refundId });
  };
}

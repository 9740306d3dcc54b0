/**
 * Operator action on a `failed` order (a refund that kept failing): request the refund again. The
 * order goes back to `refunded` and the payment row becomes refundable, in one transaction with the
 * RefundRequested in the outbox; if the refund fails again, the order lands in `failed` again.
 */
import type { Rejection } from "../domain/saga.ts";
import type { OrderStatus } from "../domain/order.ts";
import { observeStep } from "../metrics.ts";
import { reopenRefund } from "../store/payments.ts";
import { inTransaction } from "@drops/db";
import type { SagaDeps } from "./deps.ts";
import { applyInTx } from "./step.ts";

export type RetryResult = { ok: true; orderId: string; status: OrderStatus } | { ok: false; rejection: Rejection };

export async function retryRefund(deps: SagaDeps, orderId: string): Promise<RetryResult> {
  const result = await inTransaction(deps.pool, async (tx) => {
    const step = await applyInTx(tx, deps, orderId, { type: "RefundRetryRequested" }, null);
    if (step.decision?.change) await reopenRefund(tx, orderId, deps.now());
    return step;
  });
  observeStep("RefundRetryRequested", result, deps.now());
  if (result.decision?.rejection) return { ok: false, rejection: result.decision.rejection };
  if (result.order === null) return { ok: false, rejection: { code: "NOT_FOUND", message: "order not found" } };
  return { ok: true, orderId, status: result.order.status };
}

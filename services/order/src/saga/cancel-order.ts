/** Buyer cancel (POST /orders/:id/cancel): one saga step, idempotent (a second cancel answers the same). */
import type { Rejection } from "../domain/saga.ts";
import type { OrderStatus } from "../domain/order.ts";
import type { SagaDeps } from "./deps.ts";
import { runSagaStep } from "./step.ts";

export type CancelResult = { ok: true; orderId: string; status: OrderStatus } | { ok: false; rejection: Rejection };

export async function cancelOrder(deps: SagaDeps, orderId: string, buyerId: string): Promise<CancelResult> {
  const { order, decision } = await runSagaStep(deps, orderId, { type: "CancelRequested", buyerId }, null);
  if (decision?.rejection) return { ok: false, rejection: decision.rejection };
  if (order === null) return { ok: false, rejection: { code: "NOT_FOUND", message: "order not found" } };
  return { ok: true, orderId, status: order.status };
}

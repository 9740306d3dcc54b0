/** StockConfirmFailed (the hold is gone) -> RefundRequested + order refunded + OrderCancelled(REFUNDED). */
import type { Handler } from "@drops/kafka";
import { causeOf, runSagaStep, type SagaDeps } from "../store/saga-step.ts";

export function refundOrderOnStockConfirmFailed(deps: SagaDeps, consumer: string): Handler<"StockConfirmFailed"> {
  return async (event) => {
    const input = { type: "StockConfirmFailed" as const, reason: event.payload.reason, detail: event.payload.detail };
    await runSagaStep(deps, event.payload.orderId, input, causeOf(event), { consumer });
  };
}

/** StockConfirmFailed (the hold is gone) -> RefundRequested + order refunded + OrderCancelled(REFUNDED). */
import type { Handler } from "@drops/kafka";
import type { SagaDeps } from "../saga/deps.ts";
import { causeOf, runSagaStep } from "../saga/step.ts";

export function refundOrderOnStockConfirmFailed(deps: SagaDeps, consumer: string): Handler<"StockConfirmFailed"> {
  return async (event) => {
    const input = { type: "StockConfirmFailed" as const, reason: event.payload.reason, detail: event.payload.detail };
    await runSagaStep(deps, event.payload.orderId, input, causeOf(event), { consumer });
  };
}

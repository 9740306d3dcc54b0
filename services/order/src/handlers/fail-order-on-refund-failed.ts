/** RefundFailed (every retry used) -> order failed, for an operator. */
import type { Handler } from "@drops/kafka";
import { causeOf, runSagaStep, type SagaDeps } from "../store/saga-step.ts";

export function failOrderOnRefundFailed(deps: SagaDeps, consumer: string): Handler<"RefundFailed"> {
  return async (event) => {
    await runSagaStep(deps, event.payload.orderId, { type: "RefundFailed", detail: event.payload.detail }, causeOf(event), { consumer });
  };
}

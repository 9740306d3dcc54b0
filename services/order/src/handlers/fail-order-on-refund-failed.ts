/** RefundFailed (every retry used) -> order failed, for an operator. */
import type { Handler } from "@drops/kafka";
import type { SagaDeps } from "../saga/deps.ts";
import { causeOf, runSagaStep } from "../saga/step.ts";

export function failOrderOnRefundFailed(deps: SagaDeps, consumer: string): Handler<"RefundFailed"> {
  return async (event) => {
    await runSagaStep(deps, event.payload.orderId, { type: "RefundFailed", detail: event.payload.detail }, causeOf(event), { consumer });
  };
}

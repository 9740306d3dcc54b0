/** PaymentFailed -> order cancelled + OrderCancelled + StockReleaseRequested. */
import type { Handler } from "@drops/kafka";
import { causeOf, runSagaStep, type SagaDeps } from "../store/saga-step.ts";

export function cancelOrderOnPaymentFailed(deps: SagaDeps, consumer: string): Handler<"PaymentFailed"> {
  return async (event) => {
    const input = { type: "PaymentFailed" as const, reason: event.payload.reason, detail: event.payload.detail };
    await runSagaStep(deps, event.payload.orderId, input, causeOf(event), { consumer });
  };
}

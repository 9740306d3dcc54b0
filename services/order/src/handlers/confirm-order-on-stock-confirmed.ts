/** StockConfirmed -> order confirmed + OrderConfirmed. */
import type { Handler } from "@drops/kafka";
import { causeOf, runSagaStep, type SagaDeps } from "../store/saga-step.ts";

export function confirmOrderOnStockConfirmed(deps: SagaDeps, consumer: string): Handler<"StockConfirmed"> {
  return async (event) => {
    await runSagaStep(deps, event.payload.orderId, { type: "StockConfirmed" }, causeOf(event), { consumer });
  };
}

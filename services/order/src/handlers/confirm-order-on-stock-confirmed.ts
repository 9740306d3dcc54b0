/** StockConfirmed -> order confirmed + OrderConfirmed. */
import type { Handler } from "@drops/kafka";
import type { SagaDeps } from "../saga/deps.ts";
import { causeOf, runSagaStep } from "../saga/step.ts";

export function confirmOrderOnStockConfirmed(deps: SagaDeps, consumer: string): Handler<"StockConfirmed"> {
  return async (event) => {
    await runSagaStep(deps, event.payload.orderId, { type: "StockConfirmed" }, causeOf(event), { consumer });
  };
}

/** StockReleased(HOLD_EXPIRED) -> an unpaid order expired (+ OrderCancelled); a paid one refunded. Other reasons: answers to our commands. */
import type { Handler } from "@drops/kafka";
import { causeOf, runSagaStep, type SagaDeps } from "../store/saga-step.ts";

export function expireOrderOnStockReleased(deps: SagaDeps, consumer: string): Handler<"StockReleased"> {
  return async (event) => {
    await runSagaStep(deps, event.payload.orderId, { type: "StockReleased", reason: event.payload.reason }, causeOf(event), { consumer });
  };
}

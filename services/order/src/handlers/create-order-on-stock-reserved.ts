/** StockReserved -> the order (held) and its PaymentRequested, in one transaction, once per event id. */
import type { Handler } from "@drops/kafka";
import { causeOf, runSagaStep, type SagaDeps } from "../store/saga-step.ts";

export function createOrderOnStockReserved(deps: SagaDeps, consumer: string): Handler<"StockReserved"> {
  return async (event) => {
    const input = { type: "StockReserved" as const, reserved: event.payload, defaultCurrency: deps.defaultCurrency };
    await runSagaStep(deps, event.payload.orderId, input, causeOf(event), { consumer });
  };
}

/** CartCheckedOut -> the cart order (held, its lines) and its PaymentRequested for the total, in one transaction, once per event id. */
import type { Handler } from "@drops/kafka";
import { causeOf, runSagaStep, type SagaDeps } from "../store/saga-step.ts";

export function createOrderOnCartCheckedOut(deps: SagaDeps, consumer: string): Handler<"CartCheckedOut"> {
  return async (event) => {
    await runSagaStep(deps, event.payload.orderId, { type: "CartCheckedOut", checkout: event.payload }, causeOf(event), { consumer });
  };
}

/** PaymentSucceeded -> order paid + StockConfirmRequested (or a refund when the order already ended). */
import type { Handler } from "@drops/kafka";
import { causeOf, runSagaStep, type SagaDeps } from "../store/saga-step.ts";

export function confirmStockOnPaymentSucceeded(deps: SagaDeps, consumer: string): Handler<"PaymentSucceeded"> {
  return async (event) => {
    await runSagaStep(deps, event.payload.orderId, { type: "PaymentSucceeded", paymentId: event.payload.paymentId }, causeOf(event), { consumer });
  };
}

/** PaymentSucceeded -> order paid + StockConfirmRequested (or a refund when the order already ended). */
import type { Handler } from "@drops/kafka";
import type { SagaDeps } from "../saga/deps.ts";
import { causeOf, runSagaStep } from "../saga/step.ts";

export function confirmStockOnPaymentSucceeded(deps: SagaDeps, consumer: string): Handler<"PaymentSucceeded"> {
  return async (event) => {
    await runSagaStep(deps, event.payload.orderId, { type: "PaymentSucceeded", paymentId: event.payload.paymentId }, causeOf(event), { consumer });
  };
}

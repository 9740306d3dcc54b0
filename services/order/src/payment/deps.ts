/** What the payment worker needs: the saga's deps plus the provider and its limits. */
import type { SagaDeps } from "../saga/deps.ts";
import type { PaymentProvider } from "./provider.ts";

export type PaymentDeps = SagaDeps & {
  provider: PaymentProvider;
  /** How long a charge may take (ms); the order's payment deadline is start + this. */
  paymentTimeoutMs: number;
  /** Calls of a handler before runConsumer gives up (its retry.attempts): a refund is then marked failed. */
  maxAttempts: number;
};

/** Builds the saga's and payment worker's dependencies from the configuration and clients. */
import { randomUUID } from "node:crypto";
import type { Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import type { PaymentDeps } from "./payment/deps.ts";
import type { PaymentProvider } from "./payment/provider.ts";
import { createSimulatedProvider } from "./payment/simulated-provider.ts";
import type { SagaDeps } from "./saga/deps.ts";
import { defaultTopics } from "./topics.ts";
import type { SagaTopics } from "./topics.ts";

/** What tests (and a future provider adapter) may swap. */
export type Overrides = { topics?: SagaTopics; now?: () => number; newId?: () => string; provider?: PaymentProvider };

export function sagaDeps(config: Config, clients: Pick<Clients, "pool">, o: Overrides = {}): SagaDeps {
  return {
    pool: clients.pool,
    topics: o.topics ?? defaultTopics,
    now: o.now ?? Date.now,
    newId: o.newId ?? randomUUID,
    defaultCurrency: config.DEFAULT_CURRENCY,
  };
}

export function paymentDeps(config: Config, clients: Pick<Clients, "pool">, o: Overrides = {}): PaymentDeps {
  return {
    ...sagaDeps(config, clients, o),
    provider: o.provider ?? createSimulatedProvider({ declineRate: config.PAYMENT_DECLINE_RATE, latencyMs: config.PAYMENT_LATENCY_MS }),
    paymentTimeoutMs: config.PAYMENT_TIMEOUT_MS,
    maxAttempts: config.CONSUMER_RETRY_ATTEMPTS,
  };
}

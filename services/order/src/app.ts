import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { createServiceApp } from "@drops/http";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { defaultTopics, type SagaTopics } from "./domain/topics.ts";
import { adminOrderRoutes } from "./routes/admin-orders.ts";
import { dropSalesRoutes } from "./routes/drop-sales.ts";
import { orderRoutes } from "./routes/orders.ts";
import { createOrderQueries } from "./store/order-queries.ts";
import { orderGauges } from "./store/metrics.ts";
import { createSimulatedProvider, type PaymentDeps, type PaymentProvider } from "./store/payment-provider.ts";
import { cancelOrder, retryRefund, type SagaDeps } from "./store/saga-step.ts";
import { createWorkers, type OrderWorkers } from "./workers.ts";

/** What tests (and a future provider adapter) may swap. */
export type Overrides = { topics?: SagaTopics; now?: () => number; newId?: () => string; provider?: PaymentProvider };

/**
 * The order service: the shared shell (errors, /health, /ready on PostgreSQL, Kafka), its routes,
 * and its workers (consumers, relay, sweepers, started by runService). Never listens; closing the
 * app closes its clients (stop the workers first).
 */
export async function buildApp(config: Config, clients: Clients = openClients(config), overrides: Overrides = {}): Promise<{ app: FastifyInstance; workers: OrderWorkers }> {
  const saga: SagaDeps = {
    pool: clients.pool,
    topics: overrides.topics ?? defaultTopics,
    now: overrides.now ?? Date.now,
    newId: overrides.newId ?? randomUUID,
    defaultCurrency: config.DEFAULT_CURRENCY,
  };
  const payment: PaymentDeps = {
    ...saga,
    provider: overrides.provider ?? createSimulatedProvider({ declineRate: config.PAYMENT_DECLINE_RATE, latencyMs: config.PAYMENT_LATENCY_MS }),
    paymentTimeoutMs: config.PAYMENT_TIMEOUT_MS,
    maxAttempts: config.CONSUMER_RETRY_ATTEMPTS,
  };
  const app = await createServiceApp({
    config,
    clients: clients.shell,
    setup: async (app) => {
      const queries = createOrderQueries(clients.prisma);
      const gauges = orderGauges({ pool: clients.pool, onError: (err) => app.log.debug({ err }, "outbox backlog not read") });
      app.addHook("onClose", async () => gauges.stop());
      await app.register(orderRoutes, { queries, cancel: (orderId, buyerId) => cancelOrder(saga, orderId, buyerId) });
      await app.register(adminOrderRoutes, { queries, retryRefund: (orderId) => retryRefund(saga, orderId) });
      await app.register(dropSalesRoutes, { queries });
    },
  });
  return { app, workers: createWorkers(config, clients, { saga, payment }, app.log) };
}

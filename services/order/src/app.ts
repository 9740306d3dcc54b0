import type { FastifyInstance } from "fastify";
import { createServiceApp } from "@drops/http";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { sagaDeps, type Overrides } from "./deps.ts";
import { createOrderQueries } from "./read/order-queries.ts";
import { adminOrderRoutes } from "./routes/admin-orders.ts";
import { orderRoutes } from "./routes/orders.ts";
import { cancelOrder } from "./saga/cancel-order.ts";
import { retryRefund } from "./saga/retry-refund.ts";

/**
 * The order service's HTTP app: the shared shell (errors, /health, /ready on
 * PostgreSQL, Kafka) plus its routes. Never listens; closing it closes its clients.
 */
export async function buildApp(config: Config, clients: Clients = openClients(config), overrides: Overrides = {}): Promise<FastifyInstance> {
  return createServiceApp({
    config,
    clients,
    setup: async (app) => {
      const deps = sagaDeps(config, clients, overrides);
      const queries = createOrderQueries(clients.prisma);
      await app.register(orderRoutes, { queries, cancel: (orderId, buyerId) => cancelOrder(deps, orderId, buyerId) });
      await app.register(adminOrderRoutes, { queries, retryRefund: (orderId) => retryRefund(deps, orderId) });
    },
  });
}

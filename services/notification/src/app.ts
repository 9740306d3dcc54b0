import type { FastifyInstance } from "fastify";
import { createServiceApp } from "@drops/http";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { createNotificationQueries } from "./read/notification-queries.ts";
import { notificationRoutes } from "./routes/notifications.ts";
import { streamRoutes } from "./routes/stream.ts";
import { watcherRoutes } from "./routes/watchers.ts";

/**
 * The notification service's HTTP app: the shared shell (errors, /health, /ready on
 * PostgreSQL, Kafka) plus its routes. Never listens; closing it closes its clients.
 */
export async function buildApp(config: Config, clients: Clients = openClients(config), now: () => number = Date.now): Promise<FastifyInstance> {
  return createServiceApp({
    config,
    clients,
    setup: async (app) => {
      await app.register(notificationRoutes, { queries: createNotificationQueries(clients.prisma), now });
      await app.register(streamRoutes, { hub: clients.hub, heartbeatMs: config.SSE_HEARTBEAT_MS });
      await app.register(watcherRoutes, { pool: clients.pool, now });
    },
  });
}

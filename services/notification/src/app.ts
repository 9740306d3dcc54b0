import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { createServiceApp } from "@drops/http";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { notificationRoutes } from "./routes/notifications.ts";
import { streamRoutes } from "./routes/stream.ts";
import { watcherRoutes } from "./routes/watchers.ts";
import { createNotificationQueries } from "./store/notification-queries.ts";
import type { NotifyDeps } from "./store/notify-once.ts";
import { createWorkers, defaultTopics, type NotificationTopics, type NotificationWorkers } from "./workers.ts";

/** What tests may swap: the topics, the clock (epoch ms), the ids. */
export type Overrides = { topics?: NotificationTopics; now?: () => number; newId?: () => string };

/**
 * The notification service: the shared shell (errors, /health, /ready on PostgreSQL, Kafka), its
 * routes, and its workers (the consumer, started by runService). Never listens; closing the app
 * closes its clients (stop the workers first).
 */
export async function buildApp(config: Config, clients: Clients = openClients(config), overrides: Overrides = {}): Promise<{ app: FastifyInstance; workers: NotificationWorkers }> {
  const now = overrides.now ?? Date.now;
  const deps: NotifyDeps = { pool: clients.pool, hub: clients.hub, now, newId: overrides.newId ?? randomUUID };
  const app = await createServiceApp({
    config,
    clients: clients.shell,
    setup: async (app) => {
      await app.register(notificationRoutes, { queries: createNotificationQueries(clients.prisma), now });
      await app.register(streamRoutes, { hub: clients.hub, heartbeatMs: config.SSE_HEARTBEAT_MS });
      await app.register(watcherRoutes, { pool: clients.pool, now });
    },
  });
  return { app, workers: createWorkers(config, clients, deps, overrides.topics ?? defaultTopics, app.log) };
}

import type { FastifyInstance } from "fastify";
import { createServiceApp } from "@drops/http";
import { createLock } from "@drops/redis";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { createStockStore } from "./stock/stock-store.ts";
import { scheduleRoute } from "./opening/schedule-route.ts";
import { adminRoutes } from "./admin/routes.ts";
import { statusRoute } from "./admin/status-route.ts";
import { createWorkers, type Workers } from "./workers.ts";

export type InventoryService = { app: FastifyInstance; workers: Workers };

/**
 * The inventory service: the shared shell (errors, /health, /ready on Redis, PostgreSQL, Kafka), its
 * internal routes (drop schedules, stock check, resync) and its background workers (relay, opener,
 * sweeper, command consumer), which the caller starts after building and stops before closing.
 * Never listens; closing the app stops the workers and closes the clients.
 */
export async function buildService(config: Config, clients: Clients = openClients(config)): Promise<InventoryService> {
  let workers!: Workers;
  const app = await createServiceApp({
    config,
    clients,
    setup: async (app) => {
      const prefix = config.STOCK_KEY_PREFIX;
      const store = createStockStore(clients.redis, { prefix });
      const locker = createLock(clients.lockClients, {
        lockPrefix: `${prefix}lock:`,
        fencePrefix: `${prefix}fence:`,
        onError: (err) => app.log.warn({ err }, "redlock error"),
      });
      workers = createWorkers({ config, clients, store, locker, logger: app.log });
      await scheduleRoute(app, { pool: clients.pool });
      await adminRoutes(app, { redis: clients.redis, pool: clients.pool, store, locker, prefix });
      await statusRoute(app, { store });
      app.addHook("onClose", async () => workers.stop());
    },
  });
  return { app, workers };
}

/** The app alone (workers not started), e.g. for route tests. */
export async function buildApp(config: Config, clients: Clients = openClients(config)): Promise<FastifyInstance> {
  return (await buildService(config, clients)).app;
}

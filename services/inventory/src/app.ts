import { createServiceApp, type BuiltService, type Workers } from "@drops/http";
import { createLock } from "@drops/redis";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { dropRoutes } from "./routes/drops.ts";
import { productRoutes } from "./routes/products.ts";
import { createAdmitterStore } from "./store/queue/queue-store.ts";
import { createStockStore, type StockStore } from "./store/stock/stock-store.ts";
import { rehydrate } from "./store/hot-set.ts";
import { createWorkers } from "./workers.ts";
import { createOpener } from "./workers/opener.ts";
import { inventoryGauges } from "./store/metrics.ts";

/**
 * The inventory service: the shared shell (errors, /health, /ready on Redis, PostgreSQL, Kafka), its
 * internal drop routes (schedules, stock check, resync, adjust, status), its product stock routes
 * (set, restock, read) and its workers (script
 * version, relay, opener, sweeper, command consumer; none with WORKERS_ENABLED=false), which
 * runService starts before listening and stops before closing. Never listens; closing the app stops
 * the workers and closes the clients.
 */
export async function buildApp(config: Config, clients: Clients = openClients(config)): Promise<BuiltService> {
  let workers: Workers | undefined;
  const app = await createServiceApp({
    config,
    clients: clients.shell,
    setup: async (app) => {
      const prefix = config.STOCK_KEY_PREFIX;
      const locker = createLock(clients.lockClients, {
        lockPrefix: `${prefix}lock:`,
        fencePrefix: `${prefix}fence:`,
        onError: (err) => app.log.warn({ err }, "redlock error"),
      });
      // A command for an archived drop's order re-loads the drop from the ledger (store/hot-set.ts).
      const store: StockStore = createStockStore(clients.redis, { prefix, rehydrate: (dropId) => rehydrate({ redis: clients.redis, pool: clients.pool, store, locker, prefix }, dropId) });
      const gauges = inventoryGauges({ redis: clients.redis, prefix, onError: (err) => app.log.debug({ err }, "stock gauges not read") });
      app.addHook("onClose", async () => gauges.stop());
      // Called, not registered: `app.register(plugin, { prefix })` would take the stock key prefix for a route prefix.
      await dropRoutes(app, { redis: clients.redis, pool: clients.pool, store, locker, prefix, queues: createAdmitterStore(clients.redis, { prefix }) });
      // Its own opener (never started): the routes load a product's stock with its `open`, under the same lock.
      const opener = createOpener({ pool: clients.pool, store, locker, logger: app.log });
      await productRoutes(app, { pool: clients.pool, store, locker, opener, holdMs: config.PRODUCT_HOLD_SECONDS * 1000 });
      if (config.WORKERS_ENABLED) {
        const running = createWorkers({ config, clients, store, locker, logger: app.log });
        app.addHook("onClose", async () => running.stop());
        workers = running;
      }
    },
  });
  return workers ? { app, workers } : { app };
}

import type { FastifyInstance } from "fastify";
import { createServiceApp, rejectNul, strictValidatorCompiler } from "@drops/http";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { userRoutes } from "./routes/users.ts";
import { sellerRoutes } from "./routes/sellers.ts";
import { productRoutes } from "./routes/products.ts";
import { dropRoutes } from "./routes/drops.ts";
import { httpDropScheduler, type DropScheduler } from "./store/inventory.ts";

export type CatalogOptions = {
  /** Where new drops' schedules go; default: the inventory over HTTP (INVENTORY_URL). */
  scheduler?: DropScheduler;
};

/**
 * The catalog service's HTTP app: the shared shell (errors, /health, /ready on
 * PostgreSQL, Kafka) plus its internal API (users, sellers, products, drops), reached only
 * through the gateway. Never listens; closing it closes its clients.
 */
export async function buildApp(config: Config, clients: Clients = openClients(config), opts: CatalogOptions = {}): Promise<FastifyInstance> {
  return createServiceApp({
    config,
    clients,
    setup: async (app) => {
      app.setValidatorCompiler(strictValidatorCompiler());
      app.addHook("preValidation", rejectNul);
      const deps = { db: clients.db };
      await app.register(userRoutes, deps);
      await app.register(sellerRoutes, deps);
      await app.register(productRoutes, deps);
      const scheduler = opts.scheduler ?? httpDropScheduler(config.INVENTORY_URL, config.INVENTORY_TIMEOUT_MS, app.log);
      await app.register(dropRoutes, { ...deps, scheduler });
    },
  });
}

import type { FastifyInstance } from "fastify";
import { createServiceApp } from "@drops/http";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { createTokenSigner } from "./auth/jwt.ts";
import { createCatalogClient } from "./catalog/client.ts";
import { catalogOnlyStock, type StockSource } from "./catalog/stock.ts";
import { registerDocs } from "./docs.ts";
import { acceptEmptyJsonBodies } from "./json-body.ts";
import { rejectNul, strictValidatorCompiler } from "./validation.ts";
import { authRoutes } from "./routes/auth.ts";
import { sellerRoutes } from "./routes/sellers.ts";
import { productRoutes } from "./routes/products.ts";
import { dropRoutes } from "./routes/drops.ts";

export type GatewayOptions = {
  /** Live stock for drop answers (the inventory's); default: the catalog's figures. */
  stock?: StockSource;
};

/**
 * The gateway service's HTTP app: the shared shell (errors, /health, /ready on
 * Kafka, Redis, PostgreSQL), OpenAPI at /docs, and the public /api routes, which verify the
 * caller's JWT and forward to the catalog. Never listens; closing it closes its clients.
 */
export async function buildApp(config: Config, clients: Clients = openClients(config), opts: GatewayOptions = {}): Promise<FastifyInstance> {
  try {
    const app = await createServiceApp({
      name: config.SERVICE_NAME,
      logLevel: config.LOG_LEVEL,
      bodyLimit: config.BODY_LIMIT_BYTES,
      readyTimeoutMs: config.READY_TIMEOUT_MS,
      checks: clients.checks,
    });
    clients.setLogger(app.log);
    app.addHook("onClose", async () => clients.close());
    app.setValidatorCompiler(strictValidatorCompiler());
    app.addHook("preValidation", rejectNul);
    acceptEmptyJsonBodies(app);
    await registerDocs(app);
    const deps = {
      catalog: createCatalogClient(config.CATALOG_URL, config.CATALOG_TIMEOUT_MS, app.log),
      tokens: createTokenSigner(config.JWT_SECRET, config.JWT_TTL_SECONDS),
      stock: opts.stock ?? catalogOnlyStock,
    };
    await app.register(authRoutes, deps);
    await app.register(sellerRoutes, deps);
    await app.register(productRoutes, deps);
    await app.register(dropRoutes, deps);
    return app;
  } catch (err) {
    await clients.close();
    throw err;
  }
}

import type { FastifyInstance } from "fastify";
import { createServiceApp, rejectNul, strictValidatorCompiler } from "@drops/http";
import { createStockStore } from "@drops/inventory-service/stock";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { createTokenSigner } from "./auth/jwt.ts";
import { createCatalogClient } from "./catalog/client.ts";
import type { StockSource } from "./catalog/stock.ts";
import { createServiceClient } from "./http/service-client.ts";
import { registerDocs } from "./docs.ts";
import { acceptEmptyJsonBodies } from "./json-body.ts";
import { createPurchasePath } from "./purchase/wiring.ts";
import type { PurchaseStats } from "./purchase/stats.ts";
import { createStockFeed, type StockFeed } from "./stock/feed.ts";
import { redisStockSource } from "./stock/live.ts";
import { createSseRegistry } from "./stock/sse.ts";
import { authRoutes } from "./routes/auth.ts";
import { sellerRoutes } from "./routes/sellers.ts";
import { productRoutes } from "./routes/products.ts";
import { dropRoutes } from "./routes/drops.ts";
import { purchaseRoutes } from "./routes/purchases.ts";
import { orderRoutes } from "./routes/orders.ts";
import { stockStreamRoutes } from "./routes/stock-stream.ts";
import { adminStockRoutes } from "./routes/admin-stock.ts";

export type GatewayOptions = {
  /** Live stock for drop answers; default: the inventory's Redis snapshot (catalog figures for drops not loaded). */
  stock?: StockSource;
};

/** The app and what runs beside it: the caller starts `feed` (the StockChanged subscription) after building. */
export type Gateway = { app: FastifyInstance; feed: StockFeed; stats: PurchaseStats };

/**
 * The gateway service: the shared shell (errors, /health, /ready on Kafka, Redis, PostgreSQL),
 * OpenAPI at /docs, and the public /api routes, which verify the caller's JWT and forward to the
 * catalog, order and inventory services, except the purchase, which reserves right here on the stock
 * Redis through the inventory's scripts. Never listens; closing the app ends the SSE streams, stops
 * the feed and closes the clients.
 */
export async function buildGateway(config: Config, clients: Clients = openClients(config), opts: GatewayOptions = {}): Promise<Gateway> {
  let feed!: StockFeed;
  let stats!: PurchaseStats;
  const app = await createServiceApp({
    config,
    clients,
    setup: async (app) => {
      const store = createStockStore(clients.redis, { prefix: config.STOCK_KEY_PREFIX });
      feed = createStockFeed({ kafka: clients.kafka, topic: config.STOCK_TOPIC, serviceName: config.SERVICE_NAME, log: app.log });
      const sse = createSseRegistry(config.SSE_HEARTBEAT_MS);
      app.addHook("preClose", async () => sse.closeAll());
      app.addHook("onClose", async () => feed.stop());
      app.setValidatorCompiler(strictValidatorCompiler());
      app.addHook("preValidation", rejectNul);
      acceptEmptyJsonBodies(app);
      await registerDocs(app);
      const catalog = createCatalogClient(config.CATALOG_URL, config.CATALOG_TIMEOUT_MS, app.log);
      const tokens = createTokenSigner(config.JWT_SECRET, config.JWT_TTL_SECONDS);
      const path = createPurchasePath({ config, redis: clients.redis, store, catalog, feed, log: app.log });
      const deps = { catalog, tokens, stock: opts.stock ?? redisStockSource(store, app.log) };
      await app.register(authRoutes, deps);
      await app.register(sellerRoutes, deps);
      await app.register(productRoutes, deps);
      await app.register(dropRoutes, deps);
      await app.register(purchaseRoutes, { tokens, purchaser: path.purchaser });
      await app.register(orderRoutes, { tokens, pending: path.pending, orders: createServiceClient("order service", config.ORDER_URL, config.SERVICE_TIMEOUT_MS, app.log) });
      await app.register(stockStreamRoutes, { store, feed, drops: path.drops, sse });
      await app.register(adminStockRoutes, { tokens, inventory: createServiceClient("inventory", config.INVENTORY_URL, config.SERVICE_TIMEOUT_MS, app.log) });
      await clients.redisReady(config.REDIS_COMMAND_TIMEOUT_MS);
      stats = path.stats;
    },
  });
  return { app, feed, stats };
}

/** The app alone, its StockChanged feed not started (SSE still sends the first event; flags lapse by time). */
export async function buildApp(config: Config, clients: Clients = openClients(config), opts: GatewayOptions = {}): Promise<FastifyInstance> {
  return (await buildGateway(config, clients, opts)).app;
}

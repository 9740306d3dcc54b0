import { createServiceApp, sseRegistryFor, type BuiltService } from "@drops/http";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { createAdmissionTokens } from "./domain/admission-token.ts";
import { createTokenSigner } from "./domain/jwt.ts";
import type { StockSource } from "./domain/live-stock.ts";
import { createPurchaseStats, type PurchaseStats } from "./domain/purchase-stats.ts";
import { createSoldOutFlags } from "./domain/sold-out-flags.ts";
import { createStockFeed, type StockFeed } from "./domain/stock-feed.ts";
import { stripClientIdentity } from "./routes/authenticate.ts";
import { registerDocs } from "./routes/docs.ts";
import { registerRateLimits } from "./routes/rate-limits.ts";
import { registerSecurityHeaders } from "./routes/security-headers.ts";
import { acceptEmptyJsonBodies } from "./routes/json-body.ts";
import { quietRequestLogs } from "./routes/request-log.ts";
import { createPurchaser, createRowlockPurchaser, type Purchaser } from "./routes/purchase-path.ts";
import { authRoutes } from "./routes/auth.ts";
import { imageRoutes } from "./routes/images.ts";
import { sellerRoutes } from "./routes/sellers.ts";
import { productRoutes } from "./routes/products.ts";
import { dropRoutes } from "./routes/drops.ts";
import { rankingRoutes } from "./routes/rankings.ts";
import { purchaseRoutes } from "./routes/purchases.ts";
import { orderRoutes } from "./routes/orders.ts";
import { orderStreamRoutes } from "./routes/order-stream.ts";
import { queueRoutes } from "./routes/queue.ts";
import { createChannelHub } from "./store/channel-hub.ts";
import { createQueueStore } from "./store/queue.ts";
import { createQueueWatcher } from "./store/queue-watch.ts";
import { stockStreamRoutes } from "./routes/stock-stream.ts";
import { storefrontRoutes } from "./routes/storefront.ts";
import { adminStockRoutes } from "./routes/admin-stock.ts";
import { adminDropRoutes } from "./routes/admin-drops.ts";
import { adminOrderRoutes } from "./routes/admin-orders.ts";
import { sellerSalesRoutes } from "./routes/seller-sales.ts";
import { cartRoutes } from "./routes/cart.ts";
import { deadLetterRoutes } from "./routes/dead-letters.ts";
import { notificationRoutes } from "./routes/notifications.ts";
import { watchRoutes } from "./routes/watch.ts";
import { createDeadLetters } from "./store/dead-letters.ts";
import { createNotificationClient } from "./store/notifications.ts";
import { createCartClient } from "./store/cart.ts";
import { createCatalogClient } from "./store/catalog.ts";
import { catalogNames } from "./store/names.ts";
import { createImageClient } from "./store/images.ts";
import { catalogDropInfo } from "./store/drop-info.ts";
import { createInventoryClient } from "./store/inventory.ts";
import { redisStockSource, versionedSnapshots } from "./store/live-stock.ts";
import { createOrderClient } from "./store/orders.ts";
import { createPendingPurchases } from "./store/pending-purchases.ts";
import { createRowlockStock, ensureRowlockSchema } from "./store/rowlock.ts";
import { createPurchaseStock, productAvailable } from "./store/stock.ts";
import { openStockGate } from "./store/stock-gate.ts";
import { createWorkers, type GatewayWorkers } from "./workers.ts";
import { gatewayGauges } from "./store/metrics.ts";
import { adminMetricsRoutes, metricsSources } from "./routes/admin-metrics.ts";

export type GatewayOptions = {
  /** Live stock for drop answers; default: the inventory's Redis snapshot (catalog figures for drops not loaded). */
  stock?: StockSource;
};

/** The app, its worker (the StockChanged subscription, started by runService) and, for tests, the feed and purchase counters. */
export type Gateway = BuiltService & { workers: GatewayWorkers; feed: StockFeed; stats: PurchaseStats };

/**
 * The gateway service: the shared shell (errors, /health, /ready on Redis and Kafka), OpenAPI at
 * /docs, and the public /api routes, which verify the caller's JWT and forward to the catalog, order
 * and inventory services, except the purchase, which reserves right here on the stock Redis through
 * the inventory's scripts. Never listens. Rejects when the inventory's stock scripts are another
 * version, or never appear (see store/stock-gate.ts). Closing the app ends the SSE streams, stops the
 * worker and closes the clients.
 */
export async function buildApp(config: Config, clients: Clients = openClients(config), opts: GatewayOptions = {}): Promise<Gateway> {
  const stats = createPurchaseStats();
  let feed!: StockFeed;
  let workers!: GatewayWorkers;
  const app = await createServiceApp({
    config,
    clients: clients.shell,
    publicEntry: true,
    trustProxy: config.TRUST_PROXY,
    setup: async (app) => {
      feed = createStockFeed((err, c) => app.log.warn({ err, dropId: c.dropId }, "stock listener failed"));
      const stock = createPurchaseStock(clients.redis, { prefix: config.STOCK_KEY_PREFIX });
      const deadLetters = createDeadLetters({
        kafka: clients.kafka, serviceName: config.SERVICE_NAME, maxBytes: config.DEAD_LETTER_MEMORY_BYTES, timeoutMs: config.SERVICE_TIMEOUT_MS, log: app.log,
      });
      workers = createWorkers({ kafka: clients.kafka, topic: config.STOCK_TOPIC, serviceName: config.SERVICE_NAME, feed, log: app.log, deadLetters });
      app.addHook("onClose", async () => workers.stop());
      const sse = sseRegistryFor(app, { heartbeatMs: config.SSE_HEARTBEAT_MS, maxBufferedBytes: config.SSE_MAX_BUFFERED_BYTES });
      // Started once the app is ready, never during a start that fails (their Kafka admin client would keep the process alive: onClose never runs then).
      let gauges: ReturnType<typeof gatewayGauges> | undefined;
      app.addHook("onReady", async () => {
        gauges = gatewayGauges({ sseOpen: () => sse.size, kafka: clients.kafka, onError: (err) => app.log.debug({ err }, "Kafka lag read failed") });
      });
      app.addHook("onClose", async () => gauges?.stop());
      quietRequestLogs(app);
      stripClientIdentity(app);
      await registerSecurityHeaders(app, { hsts: config.HSTS });
      acceptEmptyJsonBodies(app);
      await registerDocs(app);
      await app.register(storefrontRoutes);

      const catalog = createCatalogClient(config.CATALOG_URL, config.CATALOG_TIMEOUT_MS, app.internalAuth, app.log);
      const tokens = createTokenSigner(config.JWT_SECRET, config.JWT_TTL_SECONDS, Date.now);
      await registerRateLimits(app, { redis: clients.redis, prefix: config.STOCK_KEY_PREFIX, config, tokens });
      const drops = catalogDropInfo(catalog, config.DROP_CACHE_MS);
      const pending = createPendingPurchases(clients.redis, config.STOCK_KEY_PREFIX);
      const flags = createSoldOutFlags(config.SOLD_OUT_FLAG_MS, Date.now, (err, dropId) =>
        app.log.warn({ err, dropId }, "could not load the sold-out drop's order ids: its flag is dropped (attempts ask Redis)"));
      feed.onAny((c) => {
        if (c.available > 0) flags.clear(c.dropId);
      });
      const gate = await openStockGate({
        redis: clients.redis, prefix: config.STOCK_KEY_PREFIX, waitMs: config.SCRIPT_VERSION_WAIT_MS, connectMs: config.REDIS_COMMAND_TIMEOUT_MS, log: app.log,
      }).catch((err: unknown) => {
        app.log.fatal({ err }, `gateway refuses to start: ${(err as Error).message}`);
        throw err;
      });
      app.addHook("onClose", async () => gate.close());
      const queue = createQueueStore(clients.redis, { prefix: config.STOCK_KEY_PREFIX });
      const admissions = createAdmissionTokens(config.ADMISSION_SECRET);
      const hubError = (err: Error, channel: string) => app.log.warn({ err, channel }, "pub/sub subscription failed");
      const hub = createChannelHub(clients.sub, hubError);
      // The waiting room's channels are published by the inventory's scripts on the stock Redis: a hub of its own when that is a cluster.
      const stockHub = clients.stockSub === clients.sub ? hub : createChannelHub(clients.stockSub, hubError);
      let purchaser: Purchaser = createPurchaser({ stock, gate, drops, flags, pending, stats, log: app.log, tracing: config.OTEL_ENABLED, queue: { store: queue, tokens: admissions } });
      if (config.PURCHASE_STRATEGY === "rowlock") {
        if (!clients.pg) throw new Error("PURCHASE_STRATEGY=rowlock needs the PostgreSQL pool (openClients opens it in that mode)");
        await ensureRowlockSchema(clients.pg, config.ROWLOCK_SCHEMA);
        app.log.warn({ schema: config.ROWLOCK_SCHEMA }, "PURCHASE_STRATEGY=rowlock: purchases lock a PostgreSQL row each (a benchmark comparison; no saga follows)");
        purchaser = createRowlockPurchaser({ rowlock: createRowlockStock(clients.pg), drops, stats, log: app.log });
      }

      const deps = { catalog, tokens, stock: opts.stock ?? redisStockSource(stock, app.log) };
      await app.register(authRoutes, deps);
      const images = createImageClient(config.CATALOG_URL, { uploadTimeoutMs: config.IMAGE_UPLOAD_TIMEOUT_MS, timeoutMs: config.CATALOG_TIMEOUT_MS, auth: app.internalAuth, log: app.log });
      await app.register(imageRoutes, { catalog, tokens, images });
      await app.register(sellerRoutes, deps);
      await app.register(productRoutes, { ...deps, availableOf: productAvailable(stock) });
      await app.register(dropRoutes, deps);
      await app.register(rankingRoutes, { catalog });
      await app.register(purchaseRoutes, { tokens, purchaser });
      await app.register(orderRoutes, { tokens, pending, names: catalogNames(catalog), orders: createOrderClient(config.ORDER_URL, config.SERVICE_TIMEOUT_MS, app.internalAuth, app.log) });
      await app.register(orderStreamRoutes, {
        tokens, pending, hub, sse, channel: config.LIVE_CHANNEL, pollMs: config.ORDER_STREAM_POLL_MS,
        orders: createOrderClient(config.ORDER_URL, config.SERVICE_TIMEOUT_MS, app.internalAuth, app.log),
      });
      const watcher = createQueueWatcher({ queue, hub: stockHub, refreshMs: config.QUEUE_REFRESH_MS, graceMs: config.QUEUE_ABANDON_GRACE_SECONDS * 1000, log: app.log });
      await app.register(queueRoutes, { tokens, admissions, drops, queue, watcher, sse });
      await app.register(stockStreamRoutes, { snapshots: versionedSnapshots(stock), feed, drops, sse, tickMs: config.SSE_TICK_MS });
      const notifications = createNotificationClient(config.NOTIFICATION_URL, config.SERVICE_TIMEOUT_MS, app.internalAuth, app.log);
      await app.register(notificationRoutes, { tokens, notifications });
      await app.register(watchRoutes, { tokens, drops, notifications });
      await app.register(deadLetterRoutes, { tokens, deadLetters });
      await app.register(cartRoutes, { tokens, cart: createCartClient(config.CART_URL, config.SERVICE_TIMEOUT_MS, app.internalAuth, app.log) });
      await app.register(adminStockRoutes, { tokens, inventory: createInventoryClient(config.INVENTORY_URL, config.SERVICE_TIMEOUT_MS, app.internalAuth, app.log) });
      const inventory = createInventoryClient(config.INVENTORY_URL, config.SERVICE_TIMEOUT_MS, app.internalAuth, app.log);
      const orderService = createOrderClient(config.ORDER_URL, config.SERVICE_TIMEOUT_MS, app.internalAuth, app.log);
      await app.register(adminDropRoutes, { tokens, inventory });
      await app.register(adminOrderRoutes, { tokens, orders: orderService });
      await app.register(adminMetricsRoutes, { tokens, sources: metricsSources(config) });
      await app.register(sellerSalesRoutes, { tokens, catalog, inventory, orders: orderService });
    },
  });
  return { app, workers, feed, stats };
}

import { createServiceApp, type BuiltService } from "@drops/http";
import { openClients, whenConnected, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { cartRoutes } from "./routes/cart.ts";
import { checkoutRoutes, createCheckout } from "./routes/checkout.ts";
import { createCarts } from "./store/carts.ts";
import { createProductCatalog } from "./store/catalog.ts";
import { createCheckouts } from "./store/checkouts.ts";
import { createCartStock, recordPendingOrder } from "./store/stock.ts";
import { createWorkers } from "./workers.ts";

/**
 * The cart service: the shared shell (errors, /health, /ready on Redis and Kafka)
 * and the buyer's cart (internal routes behind the gateway, identity headers): GET /cart,
 * PUT/DELETE /cart/lines/:productId, POST /cart/checkout. Never listens; closing the app closes its clients.
 */
export async function buildApp(config: Config, clients: Clients = openClients(config)): Promise<BuiltService> {
  const app = await createServiceApp({
    config,
    clients: clients.shell,
    setup: async (app) => {
      // Requests before the (fail-fast) connection is up would be 503s: wait for it, briefly.
      await Promise.all([...new Set([clients.redis, clients.stock])].map((r) => whenConnected(r, config.REDIS_COMMAND_TIMEOUT_MS))).catch((err: unknown) =>
        app.log.warn({ err }, "Redis not connected yet: carts answer 503 until it is"));
      const now = Date.now;
      const carts = createCarts(clients.redis, { prefix: config.CART_KEY_PREFIX, ttlSeconds: config.CART_TTL_SECONDS, maxLines: config.CART_MAX_LINES });
      const catalog = createProductCatalog(config.CATALOG_URL, config.CATALOG_TIMEOUT_MS, app.internalAuth, app.log);
      const stock = createCartStock(clients.stock, { prefix: config.STOCK_KEY_PREFIX });
      const checkouts = createCheckouts(clients.redis, { prefix: config.CART_KEY_PREFIX, recordSeconds: config.CHECKOUT_RECORD_SECONDS, lockMs: config.CHECKOUT_LOCK_MS });
      const checkout = createCheckout({
        carts, checkouts, catalog, stock, producer: clients.producer, topic: config.CHECKOUTS_TOPIC,
        publishTimeoutMs: config.PUBLISH_TIMEOUT_MS, currency: config.CURRENCY, cartTtlMs: config.CART_TTL_SECONDS * 1000,
        recordPending: (p) => recordPendingOrder(clients.stock, config.STOCK_KEY_PREFIX, p, now()),
        now, log: app.log,
      });
      await app.register(cartRoutes, { carts, catalog, stock, maxLines: config.CART_MAX_LINES, now });
      await app.register(checkoutRoutes, { checkout });
    },
  });
  return { app, workers: createWorkers() };
}

import { createServiceApp, type BuiltService } from "@drops/http";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { userRoutes } from "./routes/users.ts";
import { sellerRoutes } from "./routes/sellers.ts";
import { sellerDropRoutes } from "./routes/sellers-drops.ts";
import { productRoutes } from "./routes/products.ts";
import { dropRoutes } from "./routes/drops.ts";
import { nameRoutes } from "./routes/names.ts";
import { imageRoutes } from "./routes/images.ts";
import type { ImageStorage } from "./store/image-storage.ts";
import { openImageStorage } from "./store/open-image-storage.ts";
import { httpDropScheduler, httpProductStock, type DropScheduler, type ProductStock } from "./store/inventory.ts";
import { httpStockAdjuster, type StockAdjuster } from "./store/sellers-drops.ts";
import { httpStockPauser, type StockPauser } from "./store/sellers-stock.ts";
import { rankingRoutes } from "./routes/rankings.ts";
import { createRankings } from "./store/rankings.ts";
import { createWorkers, type CatalogTopics } from "./workers.ts";

export type CatalogOptions = {
  /** Where new drops' schedules go; default: the inventory over HTTP (INVENTORY_URL). */
  scheduler?: DropScheduler;
  /** Where products' stock is set and restocked; default: the inventory over HTTP (INVENTORY_URL). */
  stock?: ProductStock;
  /** Where image bytes go; default: the one the configuration names (IMAGE_STORAGE), checked at start. */
  images?: ImageStorage;
  /** Pauses a rejected seller's stock items; default: the inventory over HTTP (INVENTORY_URL). */
  pause?: StockPauser;
  /** Adjusts a loaded drop's stock; default: the inventory over HTTP (INVENTORY_URL). */
  adjust?: StockAdjuster;
  /** The topic of the stock-change consumers; default drops.stock-changes (tests use a unique one). */
  topics?: CatalogTopics;
};

/**
 * The catalog service: the shared shell (errors, /health, /ready on PostgreSQL) plus its internal
 * API (users, sellers, products, drops), reached only through the gateway, and its start-up worker
 * (the admin account). Never listens; closing the app closes its clients.
 */
export async function buildApp(config: Config, clients: Clients = openClients(config), opts: CatalogOptions = {}): Promise<BuiltService> {
  const { db } = clients;
  const rankings = createRankings(clients.redis, config.CATALOG_KEY_PREFIX);
  const app = await createServiceApp({
    config,
    clients: clients.shell,
    setup: async (app) => {
      await app.register(userRoutes, { db });
      await app.register(sellerRoutes, { db, pause: opts.pause ?? httpStockPauser(config.INVENTORY_URL, config.INVENTORY_TIMEOUT_MS, app.internalAuth, app.log) });
      const stock = opts.stock ?? httpProductStock(config.INVENTORY_URL, config.INVENTORY_TIMEOUT_MS, app.internalAuth, app.log);
      await app.register(productRoutes, { db, stock, imageUrlPrefix: config.IMAGE_URL_PREFIX });
      const scheduler = opts.scheduler ?? httpDropScheduler(config.INVENTORY_URL, config.INVENTORY_TIMEOUT_MS, app.internalAuth, app.log);
      await app.register(dropRoutes, { db, scheduler, imageUrlPrefix: config.IMAGE_URL_PREFIX });
      await app.register(nameRoutes, { db, imageUrlPrefix: config.IMAGE_URL_PREFIX });
      const storage = opts.images ?? openImageStorage(config);
      app.addHook("onClose", async () => storage.close());
      await storage.init();
      await app.register(imageRoutes, { db, storage, maxBytes: config.IMAGE_MAX_BYTES, maxPerProduct: config.IMAGES_PER_PRODUCT_MAX, urlPrefix: config.IMAGE_URL_PREFIX });
      const adjust = opts.adjust ?? httpStockAdjuster(config.INVENTORY_URL, config.INVENTORY_TIMEOUT_MS, app.internalAuth, app.log);
      await app.register(sellerDropRoutes, { db, adjust, schedule: scheduler });
      await app.register(rankingRoutes, { db, rankings });
    },
  });
  return { app, workers: createWorkers({ db, config, log: app.log, clients, rankings, ...(opts.topics ? { topics: opts.topics } : {}) }) };
}

/** Assembles the purchase path: drop cache over the catalog, sold-out flags fed by the stock feed. */
import type { FastifyBaseLogger } from "fastify";
import type { Redis, StockStore } from "@drops/inventory-service/stock";
import type { Config } from "../config.ts";
import type { CatalogClient } from "../catalog/client.ts";
import type { StockFeed } from "../stock/feed.ts";
import { createDropInfoCache, type DropInfo, type DropInfoCache } from "./drop-info.ts";
import { createPendingPurchases, type PendingPurchases } from "./pending.ts";
import { createPurchaser, type Purchaser } from "./purchase.ts";
import { createSoldOutFlags } from "./sold-out.ts";
import { createPurchaseStats, type PurchaseStats } from "./stats.ts";
import { createWinners } from "./winners.ts";

export type PurchasePath = { purchaser: Purchaser; drops: DropInfoCache; pending: PendingPurchases; stats: PurchaseStats };

export function createPurchasePath(o: { config: Config; redis: Redis; store: StockStore; catalog: CatalogClient; feed: StockFeed; log: FastifyBaseLogger }): PurchasePath {
  const drops = createDropInfoCache((dropId) => o.catalog.call<DropInfo>({ method: "GET", path: `/drops/${dropId}` }), o.config.DROP_CACHE_MS);
  const flags = createSoldOutFlags(o.config.SOLD_OUT_FLAG_MS);
  o.feed.onAny((c) => {
    if (c.available > 0) flags.clear(c.dropId);
  });
  const pending = createPendingPurchases(o.redis, o.config.STOCK_KEY_PREFIX);
  const stats = createPurchaseStats();
  const purchaser = createPurchaser({ store: o.store, drops, flags, winners: createWinners(), pending, stats, log: o.log });
  return { purchaser, drops, pending, stats };
}

/** The inventory's internal HTTP API, as the catalog uses it: a remote store of drop schedules. */
import type { FastifyBaseLogger } from "fastify";
import { AppError, conflict, createServiceClient, unavailable, type InternalAuth } from "@drops/http";
import type { DropQueueSecret, DropView } from "../domain/drops.ts";

/**
 * Hands a new drop's schedule to the inventory, which owns stock and loads it into Redis at opening
 * (and, for a queued drop, runs its waiting room with `queue`).
 * Runs inside the transaction that creates the drop: when it throws, the drop is not created.
 */
export type DropScheduler = (drop: DropView, queue?: DropQueueSecret) => Promise<void>;

/**
 * The inventory's internal `PUT /internal/drops/:dropId` {total, startsAt, perBuyerLimit, holdSeconds, queue?}
 * (idempotent: the same values again are 200), through @drops/http's service client. Unreachable,
 * slow (`timeoutMs`) or failing -> 503 UNAVAILABLE; 409 (stock already loaded with other values) ->
 * 409 DROP_ALREADY_LOADED; any other refusal is the catalog's bug, not the seller's: logged, 503.
 */
export function httpDropScheduler(baseUrl: string, timeoutMs: number, auth: InternalAuth, log?: FastifyBaseLogger): DropScheduler {
  const inventory = createServiceClient({ service: "inventory", audience: "inventory", auth, baseUrl, timeoutMs, ...(log ? { log } : {}) });
  return async (drop, queue) => {
    const body = { total: drop.units, startsAt: drop.startsAt, perBuyerLimit: drop.perBuyerLimit, holdSeconds: drop.holdSeconds, ...(queue ? { queue } : {}) };
    try {
      await inventory.call<unknown>({ method: "PUT", path: `/internal/drops/${encodeURIComponent(drop.dropId)}`, body });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.statusCode === 503) throw unavailable("the inventory is unavailable; the drop was not created, retry shortly");
      if (err.statusCode === 409) throw conflict("the inventory already loaded this drop with other values", "DROP_ALREADY_LOADED");
      log?.error({ status: err.statusCode, code: err.code, dropId: drop.dropId }, "inventory refused a drop schedule");
      throw unavailable("the inventory refused the drop schedule; the drop was not created");
    }
  };
}

/** The inventory's stock figures of a product (`PUT .../stock`, `POST .../restock`). */
export type ProductStockFigures = { productId: string; stock: number; available: number };

/**
 * A regular product's stock, owned by the inventory: `set` runs inside the transaction that creates
 * the product (when it throws, the product is not created); `restock` after the catalog checked the
 * caller owns the product.
 */
export type ProductStock = {
  set(productId: string, total: number): Promise<ProductStockFigures>;
  restock(productId: string, units: number): Promise<ProductStockFigures>;
};

/**
 * The inventory's internal `PUT /internal/products/:productId/stock {total}` (idempotent: stock
 * already set answers its current figures) and `POST /internal/products/:productId/restock {units}`.
 * Unreachable, slow or failing -> 503 UNAVAILABLE; a refusal (4xx) is the catalog's bug: logged, 503.
 */
export function httpProductStock(baseUrl: string, timeoutMs: number, auth: InternalAuth, log?: FastifyBaseLogger): ProductStock {
  const inventory = createServiceClient({ service: "inventory", audience: "inventory", auth, baseUrl, timeoutMs, ...(log ? { log } : {}) });
  const call = async (what: string, method: "PUT" | "POST", path: string, body: object): Promise<ProductStockFigures> => {
    try {
      return await inventory.call<ProductStockFigures>({ method, path, body });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.statusCode !== 503) log?.error({ status: err.statusCode, code: err.code, path }, `inventory refused a product's ${what}`);
      throw unavailable(`the inventory is unavailable; the ${what} did not happen, retry shortly`);
    }
  };
  return {
    set: (productId, total) => call("stock", "PUT", `/internal/products/${encodeURIComponent(productId)}/stock`, { total }),
    restock: (productId, units) => call("restock", "POST", `/internal/products/${encodeURIComponent(productId)}/restock`, { units }),
  };
}

/**
 * The cart's one door to stock: the inventory's `@drops/inventory-service/cart-stock` (reserve every
 * line under the order's id or none, release, live availability) on the stock Redis, and the
 * gateway's pending-purchase key, so GET /api/orders/:orderId answers "held" right after a checkout.
 */
import type { StockRedisClient } from "@drops/clients";
import { pendingPurchaseKey } from "@drops/inventory-service/purchase";
import type { OrderLine } from "../domain/checkout.ts";

export { createCartStock, type CartStock, type CartStockLine, type LinesOutcome } from "@drops/inventory-service/cart-stock";

/**
 * Writes the gateway's pending-purchase record of a cart order (services/gateway/src/store/
 * pending-purchases.ts reads it): `[dropId, buyerId, quantity, holdExpiresAtMs, lines]` with dropId
 * "" and lines the order's, expiring with the hold.
 */
export async function recordPendingOrder(
  redis: StockRedisClient,
  prefix: string,
  p: { orderId: string; buyerId: string; lines: readonly OrderLine[]; holdExpiresAtMs: number },
  nowMs: number,
): Promise<void> {
  const quantity = p.lines.reduce((n, l) => n + l.quantity, 0);
  const ttl = Math.max(1000, p.holdExpiresAtMs - nowMs);
  await redis.set(pendingPurchaseKey(prefix, p.orderId), JSON.stringify(["", p.buyerId, quantity, p.holdExpiresAtMs, p.lines]), "PX", ttl);
}

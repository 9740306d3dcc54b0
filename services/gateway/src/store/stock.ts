/**
 * The gateway's one door to the inventory's live stock on the stock Redis: the narrow purchase
 * boundary `@drops/inventory-service/purchase` (reserve and snapshot through the inventory's own
 * scripts, the script version check, the pending-purchase key). Nothing else of the inventory is
 * imported by the gateway.
 */
import { unavailable } from "@drops/http";
import type { PurchaseStock as Stock } from "@drops/inventory-service/purchase";

export {
  createPurchaseStock,
  checkScriptVersion,
  pendingPurchaseKey,
  ScriptVersionError,
  SCRIPT_VERSION,
  type KnownOrders,
  type PurchaseStock,
  type Redis,
  type ReserveOutcome,
  type StockSnapshot,
} from "@drops/inventory-service/purchase";

/**
 * A regular product's live available units (its stock is a stock item of the inventory keyed by the
 * productId, like a drop's): 0 when the stock was never set; Redis failing is 503.
 */
export function productAvailable(stock: Pick<Stock, "snapshot">): (productId: string) => Promise<number> {
  return async (productId) => {
    try {
      return (await stock.snapshot(productId))?.available ?? 0;
    } catch {
      throw unavailable("stock is unavailable right now; retry shortly");
    }
  };
}

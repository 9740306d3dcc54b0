/**
 * The gateway's one door to the inventory's live stock on the stock Redis: the narrow purchase
 * boundary `@drops/inventory-service/purchase` (reserve and snapshot through the inventory's own
 * scripts, the script version check, the pending-purchase key). Nothing else of the inventory is
 * imported by the gateway.
 */
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

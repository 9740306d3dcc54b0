/**
 * The inventory's stock API for other processes (the gateway reserves through it on the stock Redis,
 * ARCHITECTURE.md "The purchase path"): the typed store over the inventory's own Lua scripts, its
 * outcome types and the key layout. Import as `@drops/inventory-service/stock`.
 */
export { createStockStore } from "./stock-store.ts";
export type { OpenDropInput, OrderRef, PurchaseInfo, ReleaseInput, ReserveInput, StockStore, StockStoreOptions } from "./stock-store.ts";
export type { Redis } from "./scripts.ts";
export { dropKeys, dropIndexKey } from "./keys.ts";
export type {
  DuplicateOutcome,
  HeldOutcome,
  ReserveOutcome,
  ReserveRejection,
  StockSnapshot,
} from "../../domain/reservation.ts";
export type { DropStatus, HoldState } from "../../domain/stock.ts";

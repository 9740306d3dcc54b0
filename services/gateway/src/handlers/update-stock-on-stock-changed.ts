/**
 * StockChanged (topic `drops.stock-changes`, key dropId) -> this instance's stock feed: the SSE
 * streams of that drop and the sold-out flags. The drop id is made canonical (lower case), the one
 * spelling the routes subscribe with.
 */
import { canonicalId } from "@drops/http";
import type { Handler } from "@drops/kafka";
import type { StockFeed } from "../domain/stock-feed.ts";

export function updateStockOnStockChanged(feed: StockFeed): Handler<"StockChanged"> {
  return async (event) => feed.deliver({ ...event.payload, dropId: canonicalId(event.payload.dropId) });
}

/**
 * StockChanged (drops.stock-changes, keyed by stock item, compacted) -> the catalog's stock figures
 * of that drop (available, units, status) or product (available), so search filters and sorts by
 * live stock. Idempotent: only a snapshot newer than the stored one is applied. A snapshot that
 * cannot be a stock item's throws and ends in the dead-letter topic (runConsumer's retries first).
 */
import type { Handler, Logger } from "@drops/kafka";
import { stockFigures } from "../domain/stock.ts";
import type { Db } from "../store/prisma.ts";
import { applyStockFigures } from "../store/stock-figures.ts";

export function updateStockOnStockChanged(db: Db, log: Logger): Handler<"StockChanged"> {
  return async (event) => {
    const figures = stockFigures(event.payload);
    const applied = await applyStockFigures(db, figures);
    if (applied === "none") log.info({ itemId: figures.itemId, seq: figures.seq }, "stock snapshot not applied (stale, or not a drop or product of this catalog)");
  };
}

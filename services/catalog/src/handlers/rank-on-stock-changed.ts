/**
 * StockChanged -> the rankings (Redis sorted sets of sold units): the drop's score is its sold
 * units, its product's the sum of every drop's and its own cart stock's. Idempotent per snapshot
 * seq (rank-sold.lua). Ids that are neither a drop nor a product of this catalog are ignored.
 */
import type { Handler } from "@drops/kafka";
import { stockFigures } from "../domain/stock.ts";
import type { Db } from "../store/prisma.ts";
import { stockItemOf, type Rankings } from "../store/rankings.ts";

export function rankOnStockChanged(db: Db, rankings: Rankings): Handler<"StockChanged"> {
  return async (event) => {
    const figures = stockFigures(event.payload);
    const item = await stockItemOf(db, figures.itemId);
    if (item) await rankings.applySold(item, figures.seq, figures.sold);
  };
}

/**
 * The `stock` seam of the drop answers over the inventory's Redis snapshot (one read per drop).
 * Redis failing leaves the catalog's figures (a read, not a sale: no need to fail).
 */
import type { FastifyBaseLogger } from "fastify";
import { liveOfDropAnswer, type LiveStock, type StockSource } from "../domain/live-stock.ts";
import type { PurchaseStock } from "./stock.ts";

export function redisStockSource(stock: PurchaseStock, log: FastifyBaseLogger): StockSource {
  return {
    async snapshot(dropIds) {
      const out = new Map<string, LiveStock>();
      try {
        const snaps = await Promise.all(dropIds.map((id) => stock.snapshot(id)));
        snaps.forEach((s, i) => {
          if (s) out.set(dropIds[i]!, liveOfDropAnswer(s));
        });
      } catch (err) {
        log.warn({ err }, "live stock unavailable; showing the catalog's figures");
      }
      return out;
    },
  };
}

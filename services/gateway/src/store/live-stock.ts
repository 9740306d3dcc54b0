/**
 * The inventory's Redis snapshot, read two ways: the `stock` seam of the drop answers (one read per
 * drop; Redis failing leaves the catalog's figures: a read, not a sale, no need to fail), and the
 * versioned snapshot a stock stream opens with, read once for all the streams of a drop opening at
 * the same moment (a crowd reconnecting costs Redis one read per drop, not one per client).
 */
import type { FastifyBaseLogger } from "fastify";
import { singleFlight } from "@drops/http";
import { liveOfDropAnswer, type LiveStock, type StockFigures, type StockSource } from "../domain/live-stock.ts";
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

export type VersionedSnapshots = {
  /** The drop's counters and seq (null: not loaded); concurrent calls for a drop share one read. Rejects when Redis fails. */
  read(dropId: string): Promise<(StockFigures & { seq: number }) | null>;
};

export function versionedSnapshots(stock: Pick<PurchaseStock, "versionedSnapshot">): VersionedSnapshots {
  return { read: singleFlight((dropId: string) => stock.versionedSnapshot(dropId)) };
}

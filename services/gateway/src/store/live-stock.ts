/**
 * Live stock as buyers see it: the inventory's Redis snapshot (through its stock store) and the
 * StockChanged events, mapped to the public drop status (scheduled, open, paused, closed, sold_out).
 */
import type { FastifyBaseLogger } from "fastify";
import type { StockChanged } from "@drops/events";
import type { StockSnapshot, StockStore } from "@drops/inventory-service/stock";
import type { LiveStock, StockSource } from "../catalog/stock.ts";

/**
 * The public status of a live drop. Redis loads a drop shortly before it opens with status "open", so
 * "open" before `startsAtMs` is still "scheduled"; open with nothing left is "sold_out".
 */
export function publicStatus(status: string, available: number, startsAtMs: number | null, nowMs = Date.now()): string | undefined {
  switch (status.toLowerCase()) {
    case "paused": return "paused";
    case "closed": return "closed";
    case "sold_out": return "sold_out";
    case "scheduled": return "scheduled";
    case "open":
      if (available === 0) return "sold_out";
      return startsAtMs !== null && nowMs < startsAtMs ? "scheduled" : "open";
    default: return undefined;
  }
}

export function liveOfSnapshot(s: StockSnapshot, startsAtMs: number | null): LiveStock {
  const status = publicStatus(s.status, s.available, startsAtMs);
  return { available: s.available, ...(status ? { status } : {}) };
}

export function liveOfChange(c: StockChanged, startsAtMs: number | null): LiveStock {
  const status = publicStatus(c.status, c.available, startsAtMs);
  return { available: c.available, ...(status ? { status } : {}) };
}

/**
 * The `stock` seam of the drop answers: live `available` from Redis, and the status when Redis knows
 * better than the catalog (paused, closed, sold out); "open" is left to the catalog, which knows the
 * start time. Redis failing leaves the catalog's figures (a read, not a sale: no need to fail).
 */
export function redisStockSource(store: StockStore, log: FastifyBaseLogger): StockSource {
  return {
    async snapshot(dropIds) {
      const out = new Map<string, LiveStock>();
      try {
        const snaps = await Promise.all(dropIds.map((id) => store.snapshot(id)));
        snaps.forEach((s, i) => {
          if (!s) return;
          const status = s.status === "open" ? (s.available === 0 ? "sold_out" : undefined) : s.status;
          out.set(dropIds[i]!, { available: s.available, ...(status ? { status } : {}) });
        });
      } catch (err) {
        log.warn({ err }, "live stock unavailable; showing the catalog's figures");
      }
      return out;
    },
  };
}

/**
 * The stock boundary of the cart's checkout (`@drops/inventory-service/cart-stock`): a saga-level
 * reservation of several products' stock under one order, done synchronously by the cart service on
 * the stock Redis through the inventory's own scripts (ARCHITECTURE.md, the cart). Each line is one
 * reserve.lua call on that product's slot (a product's stock is a stock item like a drop's, the id
 * is the productId), idempotent per orderId; on the first line that cannot be held, every line this
 * order holds is released (release.lua, ORDER_CANCELLED) before answering, so a failure leaves
 * nothing held. A crash part-way leaves the lines held so far to the hold sweeper, as any abandoned
 * hold; a retry with the same orderId resumes (the reserves replay). Defines only the reserve and
 * release scripts on the connection.
 */
import type { ReserveOutcome } from "../../domain/reservation.ts";
import { dropKeys } from "./keys.ts";
import { createPurchaseStock } from "./purchase.ts";
import { defineStockScripts, type Redis } from "./scripts.ts";
import { releaseHold } from "./stock-store.ts";

export type { Redis };

export type CartStockLine = { productId: string; quantity: number };

export type LinesOutcome =
  | { status: "HELD"; holdExpiresAt: number /* min over lines */ }
  | { status: "UNAVAILABLE"; productId: string; available: number /* 0 when not for sale/paused/closed */ };

export type CartStock = {
  /** Reserves every line under orderId, in the given order; on the first failure releases the lines held for
   * this order (this call's and a previous attempt's) and answers UNAVAILABLE. A replay (all lines already held
   * for orderId) answers HELD again. */
  reserveLines(input: { orderId: string; buyerId: string; lines: readonly CartStockLine[] }): Promise<LinesOutcome>;
  /** Releases every line held for orderId (idempotent); used by the cart if it cannot hand the order on. */
  releaseLines(orderId: string, productIds: readonly string[]): Promise<void>;
  /** Live available units per product; null when the product's stock was never set. */
  available(productIds: readonly string[]): Promise<Map<string, number | null>>;
};

/** State of a hold record "buyerId|qty|expiresAtMs|state|fingerprint" (lua/includes/hold.lua); null when absent. */
function holdState(record: string | null): string | null {
  return record === null ? null : (/\|\d+\|\d+\|([a-z]+)\|[A-Za-z0-9_-]*$/.exec(record)?.[1] ?? null);
}

function checkLines(lines: readonly CartStockLine[]): void {
  if (lines.length === 0) throw new RangeError("reserveLines needs at least one line");
  const ids = new Set(lines.map((l) => l.productId));
  if (ids.size !== lines.length) throw new RangeError("reserveLines: each product at most once (an order holds one hold per product)");
}

export function createCartStock(redis: Redis, opts: { prefix: string }): CartStock {
  const { prefix } = opts;
  const purchase = createPurchaseStock(redis, { prefix });
  const scripts = defineStockScripts(redis, ["release"]);
  const release = (orderId: string, productId: string) => releaseHold(scripts, prefix, { dropId: productId, orderId, reason: "ORDER_CANCELLED" });

  /** Which of these products hold units for orderId now (a previous attempt's lines past this one's failure). */
  async function heldFor(orderId: string, productIds: readonly string[]): Promise<string[]> {
    const records = await Promise.all(productIds.map((p) => redis.hget(dropKeys(p, prefix).holds, orderId)));
    return productIds.filter((_, i) => holdState(records[i] ?? null) === "held");
  }

  /** What a refused line reports as available: the script's figure when sold out, 0 when not on sale, else the live figure. */
  async function availableAfter(r: Exclude<ReserveOutcome, { status: "HELD" }>, productId: string): Promise<number> {
    switch (r.status) {
      case "SOLD_OUT":
        return r.available;
      case "NOT_OPEN":
      case "PAUSED":
      case "CLOSED":
        return 0;
      default: // DUPLICATE (this order's line moved on: released, expired, void, ...), LIMIT_REACHED (no limit on products)
        return (await purchase.snapshot(productId))?.available ?? 0;
    }
  }

  return {
    async reserveLines({ orderId, buyerId, lines }) {
      checkLines(lines);
      const held: string[] = [];
      let holdExpiresAt = Number.POSITIVE_INFINITY;
      for (const [i, line] of lines.entries()) {
        const r = await purchase.reserve({ dropId: line.productId, orderId, buyerId, qty: line.quantity });
        if (r.status === "HELD") {
          held.push(line.productId);
          holdExpiresAt = Math.min(holdExpiresAt, r.holdExpiresAtMs);
          continue;
        }
        const later = await heldFor(orderId, lines.slice(i + 1).map((l) => l.productId));
        await Promise.all([...held, ...later].map((p) => release(orderId, p)));
        return { status: "UNAVAILABLE", productId: line.productId, available: await availableAfter(r, line.productId) };
      }
      return { status: "HELD", holdExpiresAt };
    },

    async releaseLines(orderId, productIds) {
      await Promise.all([...new Set(productIds)].map((p) => release(orderId, p)));
    },

    async available(productIds) {
      const snaps = await Promise.all(productIds.map(async (p) => [p, (await purchase.snapshot(p))?.available ?? null] as const));
      return new Map(snaps);
    },
  };
}

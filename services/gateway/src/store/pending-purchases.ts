/**
 * `<prefix>purchase:<orderId>` (the inventory's `pendingPurchaseKey`) -> JSON `[dropId, buyerId,
 * quantity, holdExpiresAtMs]`, written for winners only, expiring with the hold: lets GET
 * /api/orders/:orderId answer "held" in the milliseconds before the saga has created the order row.
 * The cart service writes the same record for a checkout, with dropId "" and a fifth element, the
 * order's lines `[{productId, quantity, priceCents}]` (services/cart/src/store/stock.ts).
 */
import { pendingPurchaseKey, type Redis } from "./stock.ts";

export type PendingLine = { productId: string; quantity: number; priceCents: number };
export type PendingPurchase = { orderId: string; dropId: string; buyerId: string; quantity: number; holdExpiresAtMs: number; lines?: PendingLine[] };

const isLine = (l: unknown): l is PendingLine => {
  const v = l as Partial<PendingLine> | null;
  return typeof v === "object" && v !== null && typeof v.productId === "string" && typeof v.quantity === "number" && typeof v.priceCents === "number";
};

export type PendingPurchases = {
  record(p: PendingPurchase): Promise<void>;
  /** null when unknown (never held here, or the hold's time is over). */
  find(orderId: string): Promise<PendingPurchase | null>;
};

export function createPendingPurchases(redis: Redis, prefix: string, now: () => number = Date.now): PendingPurchases {
  const key = (orderId: string) => pendingPurchaseKey(prefix, orderId);
  return {
    async record(p) {
      const ttl = Math.max(1000, p.holdExpiresAtMs - now());
      await redis.set(key(p.orderId), JSON.stringify([p.dropId, p.buyerId, p.quantity, p.holdExpiresAtMs]), "PX", ttl);
    },
    async find(orderId) {
      const raw = await redis.get(key(orderId));
      if (raw === null) return null;
      const parsed = JSON.parse(raw) as unknown;
      if (!Array.isArray(parsed) || (parsed.length !== 4 && parsed.length !== 5)) return null;
      const [dropId, buyerId, quantity, holdExpiresAtMs, lines] = parsed as [unknown, unknown, unknown, unknown, unknown];
      if (typeof dropId !== "string" || typeof buyerId !== "string" || typeof quantity !== "number" || typeof holdExpiresAtMs !== "number") return null;
      if (parsed.length === 4) return { orderId, dropId, buyerId, quantity, holdExpiresAtMs };
      if (!Array.isArray(lines) || !lines.every(isLine)) return null;
      return { orderId, dropId, buyerId, quantity, holdExpiresAtMs, lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity, priceCents: l.priceCents })) };
    },
  };
}

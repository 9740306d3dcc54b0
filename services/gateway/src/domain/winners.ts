/**
 * This instance's recent winning answers (order id -> the 201 it gave), so that a replay of a won
 * purchase still gets its 201 while the drop's sold-out flag short-circuits Redis. Bounded; an entry
 * lives as long as its hold. A replay that reaches another instance during the flag's short life is
 * answered SOLD_OUT (README: "Sold-out flag").
 */
import type { PurchaseAnswer } from "./purchase-outcome.ts";

export type Winners = {
  remember(answer: PurchaseAnswer, fingerprint: string, holdExpiresAtMs: number): void;
  find(orderId: string): { answer: PurchaseAnswer; fingerprint: string } | undefined;
};

/** `now` is the clock. */
export function createWinners(now: () => number, maxEntries = 100_000): Winners {
  const byOrder = new Map<string, { answer: PurchaseAnswer; fingerprint: string; until: number }>();
  return {
    remember(answer, fingerprint, holdExpiresAtMs) {
      if (byOrder.size >= maxEntries) {
        const oldest = byOrder.keys().next();
        if (!oldest.done) byOrder.delete(oldest.value);
      }
      byOrder.set(answer.orderId, { answer, fingerprint, until: holdExpiresAtMs });
    },
    find(orderId) {
      const w = byOrder.get(orderId);
      if (!w) return undefined;
      if (now() >= w.until) {
        byOrder.delete(orderId);
        return undefined;
      }
      return w;
    },
  };
}

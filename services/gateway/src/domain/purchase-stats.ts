/** Counters of the purchase path on this instance (tests read them; cheap enough to keep always). */
export type PurchaseStats = {
  attempts: number;
  /** Reserve scripts run (one Redis round trip each). */
  reserveCalls: number;
  /** Reserve scripts run for a replay of an order id a flagged drop knows (one Redis round trip each). */
  replayCalls: number;
  /** Attempts answered SOLD_OUT from the in-memory flag, without Redis. */
  soldOutShortCircuits: number;
  held: number;
  /** Attempts answered 503 because Redis failed or timed out. */
  unavailable: number;
};

export function createPurchaseStats(): PurchaseStats {
  return { attempts: 0, reserveCalls: 0, replayCalls: 0, soldOutShortCircuits: 0, held: 0, unavailable: 0 };
}

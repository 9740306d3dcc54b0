/**
 * In-memory sold-out flags, one per drop (ARCHITECTURE.md "The purchase path", point 2): while a drop
 * is flagged, purchases answer 409 SOLD_OUT without a Redis round trip. A flag is set when the reserve
 * script reports the drop empty, cleared by a StockChanged event showing units back, and in any case
 * lapses after `ttlMs`, so a missed event cannot keep a drop falsely sold out for longer than that
 * (the next attempt asks Redis again and re-flags it if it is still empty).
 */
export type SoldOutFlags = {
  isSoldOut(dropId: string): boolean;
  set(dropId: string): void;
  clear(dropId: string): void;
};

/** `ttlMs` 0 disables the flags (every attempt asks Redis); `now` is the clock. */
export function createSoldOutFlags(ttlMs: number, now: () => number): SoldOutFlags {
  const until = new Map<string, number>();
  return {
    isSoldOut(dropId) {
      const t = until.get(dropId);
      if (t === undefined) return false;
      if (now() < t) return true;
      until.delete(dropId);
      return false;
    },
    set(dropId) {
      if (ttlMs > 0) until.set(dropId, now() + ttlMs);
    },
    clear(dropId) {
      until.delete(dropId);
    },
  };
}

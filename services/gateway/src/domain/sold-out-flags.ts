/**
 * In-memory sold-out flags, one per drop (ARCHITECTURE.md "The purchase path", point 2): while a drop
 * is flagged, purchases answer 409 SOLD_OUT without a Redis round trip. A flag is set when the reserve
 * script reports the drop empty, cleared by a StockChanged event showing units back, and in any case
 * lapses after `ttlMs`, so a missed event cannot keep a drop falsely sold out for longer than that
 * (the next attempt asks Redis again and re-flags it if it is still empty).
 *
 * Replays stay true: each flag carries the drop's **known order ids** (every order id that ever
 * reserved in the drop, and their buyers, loaded once when the flag is set, by `loadKnown`). An
 * attempt whose order id is known is a replay and goes to Redis (the idempotent reserve script answers its order's current
 * state); any other attempt is a new loser, answered with no Redis call. The set is as fresh as the
 * flag: while the drop is empty no order id can newly reserve, and units coming back clear the flag
 * (and its set) at once; a lapsed flag is rebuilt, set included, by the next SOLD_OUT.
 */
/** The order ids a drop knows and their buyers ("" for a tombstone without one). */
export type KnownOrders = { orderIds: Set<string>; buyerIds: Set<string> };

export type SoldOutFlag = {
  /** The drop's known order ids once loaded; undefined while loading. */
  known: KnownOrders | undefined;
  /** Resolves with the set, or undefined when it could not be loaded (the flag is then gone). */
  loaded: Promise<KnownOrders | undefined>;
};

export type SoldOutFlags = {
  isSoldOut(dropId: string): boolean;
  /** The drop's live flag, or undefined (never set, cleared, lapsed, or its set failed to load). */
  flag(dropId: string): SoldOutFlag | undefined;
  /** Sets (or extends) the drop's flag; a new flag loads its known order ids with `loadKnown`. */
  set(dropId: string, loadKnown: () => Promise<KnownOrders>): void;
  /** A new hold this instance just made while the drop is flagged: known from now on. */
  addKnown(dropId: string, orderId: string, buyerId: string): void;
  clear(dropId: string): void;
};

type Entry = SoldOutFlag & { until: number };

/** `ttlMs` 0 disables the flags (every attempt asks Redis); `now` is the clock. */
export function createSoldOutFlags(ttlMs: number, now: () => number, onLoadError: (err: unknown, dropId: string) => void = () => {}): SoldOutFlags {
  const flags = new Map<string, Entry>();
  const live = (dropId: string): Entry | undefined => {
    const e = flags.get(dropId);
    if (e === undefined) return undefined;
    if (now() < e.until) return e;
    flags.delete(dropId);
    return undefined;
  };
  return {
    isSoldOut: (dropId) => live(dropId) !== undefined,
    flag: live,
    set(dropId, loadKnown) {
      if (ttlMs <= 0) return;
      const existing = live(dropId);
      if (existing) {
        existing.until = now() + ttlMs;
        return;
      }
      const entry: Entry = { until: now() + ttlMs, known: undefined, loaded: Promise.resolve(undefined) };
      entry.loaded = loadKnown().then(
        (known) => {
          entry.known = known;
          return known;
        },
        (err: unknown) => {
          if (flags.get(dropId) === entry) flags.delete(dropId);
          onLoadError(err, dropId);
          return undefined;
        },
      );
      flags.set(dropId, entry);
    },
    addKnown(dropId, orderId, buyerId) {
      const e = flags.get(dropId);
      if (e === undefined) return;
      const add = (known: KnownOrders | undefined) => {
        known?.orderIds.add(orderId);
        known?.buyerIds.add(buyerId);
      };
      if (e.known) add(e.known);
      else void e.loaded.then(add);
    },
    clear(dropId) {
      flags.delete(dropId);
    },
  };
}

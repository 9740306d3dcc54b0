/**
 * The in-process fan-out of the StockChanged snapshots this instance consumes (see workers.ts): to
 * every-change listeners (the SSE fan-out of routes/stock-stream.ts, the sold-out flags) and to
 * per-drop listeners. Stale snapshots (seq not above the last one seen for the drop) are dropped; the
 * latest of each drop is kept (a few numbers per drop), so a stream opening now can tell whether
 * Kafka brought something newer than the Redis snapshot it read. Pure: no I/O.
 */
import type { StockChanged } from "@drops/events";

export type StockListener = (change: StockChanged) => void;

export type StockFeed = {
  /** Every change of every drop; returns the unsubscribe function. */
  onAny(listener: StockListener): () => void;
  /** Changes of one drop; returns the unsubscribe function. */
  subscribe(dropId: string, listener: StockListener): () => void;
  /** The latest change of the drop seen by this instance, if any. */
  latest(dropId: string): StockChanged | undefined;
  /** Delivers a change to its listeners (the StockChanged handler; tests). */
  deliver(change: StockChanged): void;
};

/** `onListenerError` is told of a listener that threw (the others still get the change). */
export function createStockFeed(onListenerError: (err: unknown, change: StockChanged) => void): StockFeed {
  const any = new Set<StockListener>();
  const byDrop = new Map<string, Set<StockListener>>();
  const last = new Map<string, StockChanged>();

  const call = (l: StockListener, c: StockChanged) => {
    try {
      l(c);
    } catch (err) {
      onListenerError(err, c);
    }
  };

  return {
    onAny(listener) {
      any.add(listener);
      return () => void any.delete(listener);
    },
    subscribe(dropId, listener) {
      let set = byDrop.get(dropId);
      if (!set) byDrop.set(dropId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) byDrop.delete(dropId);
      };
    },
    latest(dropId) {
      return last.get(dropId);
    },
    deliver(change) {
      const seen = last.get(change.dropId);
      if (seen !== undefined && change.seq <= seen.seq) return;
      last.set(change.dropId, change);
      for (const l of any) call(l, change);
      for (const l of byDrop.get(change.dropId) ?? []) call(l, change);
    },
  };
}

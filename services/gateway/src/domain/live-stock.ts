/** Live stock of drops as buyers should see it. */
export type LiveStock = { available: number; status?: string };

/**
 * The seam where the inventory's live stock replaces the catalog's figures: given drop ids, the
 * live stock of those it knows (e.g. one pipelined read of the inventory's Redis snapshot keys).
 * Drops it does not know keep the catalog's `available` (= units until stock events feed it).
 */
export type StockSource = { snapshot: (dropIds: string[]) => Promise<Map<string, LiveStock>> };

/** The default: no live source yet, the catalog's figures stand. */
export const catalogOnlyStock: StockSource = { snapshot: async () => new Map() };

/** `drop` with live `available` / `status` from `live` when present. */
export function withLiveStock<D extends { dropId: string; available: number; status: string }>(drop: D, live: Map<string, LiveStock>): D {
  const s = live.get(drop.dropId);
  if (!s) return drop;
  return { ...drop, available: s.available, ...(s.status ? { status: s.status } : {}) };
}

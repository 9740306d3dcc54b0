/**
 * Display names on a page of orders: which drops and products to name (one batched catalog call
 * per page, see store/names.ts) and the orders with them. A drop order gets its drop's product name;
 * a cart order each line's product name (and the first line's picture for the order). A name the
 * catalog did not give (a deleted product, the catalog unavailable) stays null. Pure.
 */
export type Names = {
  drops: ReadonlyMap<string, { name: string; imageUrl: string | null }>;
  products: ReadonlyMap<string, { name: string; imageUrl: string | null }>;
};

type Line = { productId: string; [k: string]: unknown };
type Order = { dropId?: unknown; lines?: unknown; [k: string]: unknown };

const linesOf = (o: Order): Line[] => (Array.isArray(o.lines) ? (o.lines as Line[]).filter((l) => typeof l?.productId === "string") : []);

/** The drop and product ids a page of orders needs named (each once). */
export function idsToName(orders: readonly Order[]): { dropIds: string[]; productIds: string[] } {
  const dropIds = new Set<string>();
  const productIds = new Set<string>();
  for (const o of orders) {
    if (typeof o.dropId === "string") dropIds.add(o.dropId);
    for (const l of linesOf(o)) productIds.add(l.productId);
  }
  return { dropIds: [...dropIds], productIds: [...productIds] };
}

/** The order with `name` and `imageUrl` (a drop order: its drop's; a cart order: null and the first line's picture) and named lines. */
export function withNames<T extends Order>(o: T, names: Names): T & { name: string | null; imageUrl: string | null } {
  if (typeof o.dropId === "string") {
    const d = names.drops.get(o.dropId);
    return { ...o, name: d?.name ?? null, imageUrl: d?.imageUrl ?? null };
  }
  if (!Array.isArray(o.lines)) return { ...o, name: null, imageUrl: null };
  const lines = linesOf(o).map((l) => ({ ...l, name: names.products.get(l.productId)?.name ?? null }));
  const first = lines[0] ? names.products.get(lines[0].productId) : undefined;
  return { ...o, lines, name: null, imageUrl: first?.imageUrl ?? null };
}

export const NO_NAMES: Names = { drops: new Map(), products: new Map() };

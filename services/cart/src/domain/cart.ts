/**
 * A buyer's cart: its lines as stored (one Redis hash field per product, value "<quantity>:<addedAtMs>")
 * and the answer of GET /cart. Pure: the products' names and prices and the clock are passed in.
 */

/** Quantity bounds of one line (PUT /cart/lines/:productId). */
export const MIN_QUANTITY = 1;
export const MAX_QUANTITY = 99;

/** One stored line: the product, how many, and when it was first added (lines are shown in that order). */
export type StoredLine = { productId: string; quantity: number; addedAtMs: number };

/** What the cart needs of a product from the catalog. */
export type ProductInfo = { productId: string; name: string; priceCents: number };

export type CartLineView = { productId: string; name: string; quantity: number; priceCents: number; lineTotalCents: number };
export type CartView = { lines: CartLineView[]; totalCents: number; expiresAt: string | null };

const STORED = /^([0-9]{1,9}):([0-9]{1,16})$/;

/** The value stored for a line. */
export function storedValue(quantity: number, addedAtMs: number): string {
  return `${quantity}:${addedAtMs}`;
}

/**
 * The lines of a stored cart hash, oldest first (then by product id). A field that does not parse
 * (written by nothing this code knows) is left out rather than failing the whole cart.
 */
export function parseCart(hash: Readonly<Record<string, string>>): StoredLine[] {
  const lines: StoredLine[] = [];
  for (const [productId, value] of Object.entries(hash)) {
    const m = STORED.exec(value);
    if (!m) continue;
    const quantity = Number(m[1]);
    if (quantity < MIN_QUANTITY || quantity > MAX_QUANTITY) continue;
    lines.push({ productId, quantity, addedAtMs: Number(m[2]) });
  }
  return lines.sort((a, b) => a.addedAtMs - b.addedAtMs || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

/** What a PUT of `productId` does to a cart of `lines` under the cap of `maxLines` distinct lines. */
export function putDecision(lines: readonly Pick<StoredLine, "productId">[], productId: string, maxLines: number): "update" | "add" | "full" {
  if (lines.some((l) => l.productId === productId)) return "update";
  return lines.length >= maxLines ? "full" : "add";
}

/**
 * The answer of GET /cart: every line with the catalog's current name and price, the total, and when
 * the cart expires (`pttlMs` left of the Redis key at `nowMs`; an empty cart has no key: null).
 */
export function cartView(lines: readonly StoredLine[], products: ReadonlyMap<string, ProductInfo>, pttlMs: number, nowMs: number): CartView {
  const views: CartLineView[] = [];
  for (const l of lines) {
    const p = products.get(l.productId);
    if (!p) continue;
    views.push({ productId: l.productId, name: p.name, quantity: l.quantity, priceCents: p.priceCents, lineTotalCents: l.quantity * p.priceCents });
  }
  const totalCents = views.reduce((sum, v) => sum + v.lineTotalCents, 0);
  const expiresAt = views.length > 0 && pttlMs > 0 ? new Date(nowMs + pttlMs).toISOString() : null;
  return { lines: views, totalCents, expiresAt };
}

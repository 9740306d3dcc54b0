import type { BuiltService } from "@drops/http";
import { conflict, requireRole } from "@drops/http";
import { cartView, putDecision, type CartView } from "../domain/cart.ts";
import type { Carts } from "../store/carts.ts";
import type { ProductCatalog } from "../store/catalog.ts";
import type { CartStock } from "../store/stock.ts";
import { orUnavailable } from "./redis-down.ts";
import { lineBody, productParams } from "./schemas.ts";

type App = BuiltService["app"];
export type CartRouteDeps = { carts: Carts; catalog: ProductCatalog; stock: Pick<CartStock, "available">; maxLines: number; now: () => number };

/** The buyer's cart with the catalog's current names and prices. */
export async function viewOf(d: Pick<CartRouteDeps, "carts" | "catalog" | "now">, buyerId: string, requestId?: string): Promise<CartView> {
  const stored = await orUnavailable(d.carts.read(buyerId), "the cart");
  const products = stored.lines.length ? await d.catalog.products(stored.lines.map((l) => l.productId), requestId) : new Map();
  return cartView(stored.lines, products, stored.pttlMs, d.now());
}

/**
 * The buyer's own cart (the asserted caller; buyer role): GET /cart, PUT /cart/lines/:productId {quantity},
 * DELETE /cart/lines/:productId. Each answers the cart. A buyer only ever reaches the cart keyed by
 * their own verified id.
 */
export async function cartRoutes(app: App, d: CartRouteDeps): Promise<void> {
  app.get("/cart", async (request) => viewOf(d, requireRole(request, "buyer").userId, request.id));

  app.put<{ Params: { productId: string }; Body: { quantity: number } }>(
    "/cart/lines/:productId",
    { schema: { params: productParams, body: lineBody } },
    async (request) => {
      const buyer = requireRole(request, "buyer");
      const { productId } = request.params;
      const current = await orUnavailable(d.carts.read(buyer.userId), "the cart");
      if (putDecision(current.lines, productId, d.maxLines) === "full") throw conflict(`a cart holds at most ${d.maxLines} different products`, "CART_FULL");
      await d.catalog.product(productId, request.id);
      const available = (await orUnavailable(d.stock.available([productId]), "stock")).get(productId);
      if (available === null || available === undefined) throw conflict("this product is not for sale (no stock was ever set)", "NOT_FOR_SALE");
      if (!(await orUnavailable(d.carts.putLine(buyer.userId, productId, request.body.quantity, d.now()), "the cart"))) {
        throw conflict(`a cart holds at most ${d.maxLines} different products`, "CART_FULL");
      }
      return viewOf(d, buyer.userId, request.id);
    },
  );

  app.delete<{ Params: { productId: string } }>("/cart/lines/:productId", { schema: { params: productParams } }, async (request) => {
    const buyer = requireRole(request, "buyer");
    await orUnavailable(d.carts.removeLine(buyer.userId, request.params.productId), "the cart");
    return viewOf(d, buyer.userId, request.id);
  });
}

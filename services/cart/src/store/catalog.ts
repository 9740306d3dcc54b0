/** The catalog's products as the cart needs them (CATALOG_URL): existence, name and price. */
import { createServiceClient, singleFlight, type InternalAuth, type ServiceClient } from "@drops/http";
import type { ProductInfo } from "../domain/cart.ts";

type Log = Parameters<typeof createServiceClient>[0]["log"];

export type ProductCatalog = {
  /** The product; 404 PRODUCT_NOT_FOUND (the catalog's) when unknown; 503 when the catalog is down. */
  product(productId: string, requestId?: string): Promise<ProductInfo>;
  /** The products among `productIds` the catalog knows (the others are left out), fetched at once. */
  products(productIds: readonly string[], requestId?: string): Promise<Map<string, ProductInfo>>;
};

export function createProductCatalog(baseUrl: string, timeoutMs: number, auth: InternalAuth, log?: Log): ProductCatalog {
  const catalog: ServiceClient = createServiceClient({ service: "catalog", audience: "catalog", auth, baseUrl, timeoutMs, ...(log ? { log } : {}) });
  const product = async (productId: string, requestId?: string): Promise<ProductInfo> => {
    const p = await catalog.call<ProductInfo>({ method: "GET", path: `/products/${encodeURIComponent(productId)}`, ...(requestId ? { requestId } : {}) });
    return { productId: p.productId, name: p.name, priceCents: p.priceCents };
  };
  // Checkouts of the same products at the same moment (a popular line in many carts) share one call
  // per product: one GET instead of one per buyer, and never older than the calls it replaces.
  const shared = singleFlight(product);
  return {
    product,
    async products(productIds, requestId) {
      const found = await Promise.all(
        productIds.map((id) => shared(id, requestId).catch((err: unknown) => {
          if ((err as { statusCode?: number }).statusCode === 404) return null;
          throw err;
        })),
      );
      return new Map(found.filter((p): p is ProductInfo => p !== null).map((p) => [p.productId, p]));
    },
  };
}

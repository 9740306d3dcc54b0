/** Products: what is stored of a seller's input and who owns one. No storage. */
import { forbidden } from "@drops/http";

export type ProductView = { productId: string; sellerId: string; name: string; description: string; priceCents: number; createdAt: string; updatedAt: string };
export type ProductInput = { name: string; description: string; priceCents: number };

/** The most units a product's stock is set to at creation, or restocked by at once. */
export const MAX_STOCK_UNITS = 10_000_000;

/** Names and descriptions are stored trimmed. */
export function productData(input: ProductInput & { stock?: number }): ProductInput {
  return { name: input.name.trim(), description: input.description.trim(), priceCents: input.priceCents };
}

/** The fields of a patch that are present, trimmed like productData. */
export function productPatch(patch: Partial<ProductInput>): Partial<ProductInput> {
  return {
    ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
    ...(patch.description !== undefined ? { description: patch.description.trim() } : {}),
    ...(patch.priceCents !== undefined ? { priceCents: patch.priceCents } : {}),
  };
}

/** Only the product's own seller changes it or drops it: 403 NOT_OWNER otherwise. */
export function mustOwn<P extends { sellerId: string }>(product: P, seller: { sellerId: string }): P {
  if (product.sellerId !== seller.sellerId) throw forbidden("this product belongs to another seller", "NOT_OWNER");
  return product;
}

import { forbidden, notFound } from "@drops/http";
import type { Db } from "./prisma.ts";
import { approvedSellerOf } from "./sellers.ts";

export type ProductView = { productId: string; sellerId: string; name: string; description: string; priceCents: number; createdAt: string; updatedAt: string };
type ProductRow = { id: string; sellerId: string; name: string; description: string; priceCents: number; createdAt: Date; updatedAt: Date };

export function productView(p: ProductRow): ProductView {
  return {
    productId: p.id, sellerId: p.sellerId, name: p.name, description: p.description, priceCents: p.priceCents,
    createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString(),
  };
}

export type ProductInput = { name: string; description: string; priceCents: number };

/** Only an approved seller creates products; the product belongs to the caller's seller. */
export async function createProduct(db: Db, userId: string, input: ProductInput): Promise<ProductView> {
  const seller = await approvedSellerOf(db, userId);
  const product = await db.product.create({
    data: { sellerId: seller.sellerId, name: input.name.trim(), description: input.description.trim(), priceCents: input.priceCents },
  });
  return productView(product);
}

export async function getProduct(db: Db, productId: string): Promise<ProductView> {
  const product = await db.product.findUnique({ where: { id: productId } });
  if (!product) throw notFound("product not found", "PRODUCT_NOT_FOUND");
  return productView(product);
}

/** The product, when the caller is its approved seller: 404 PRODUCT_NOT_FOUND, 403 NOT_OWNER otherwise. */
export async function ownedProduct(db: Db, userId: string, productId: string): Promise<ProductView> {
  const seller = await approvedSellerOf(db, userId);
  const product = await getProduct(db, productId);
  if (product.sellerId !== seller.sellerId) throw forbidden("this product belongs to another seller", "NOT_OWNER");
  return product;
}

export async function updateProduct(db: Db, userId: string, productId: string, patch: Partial<ProductInput>): Promise<ProductView> {
  await ownedProduct(db, userId, productId);
  const data = {
    ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
    ...(patch.description !== undefined ? { description: patch.description.trim() } : {}),
    ...(patch.priceCents !== undefined ? { priceCents: patch.priceCents } : {}),
  };
  return productView(await db.product.update({ where: { id: productId }, data }));
}

/** The caller's own products (any seller status), newest first. */
export async function myProducts(db: Db, userId: string, page: number, pageSize: number): Promise<{ items: ProductView[]; total: number }> {
  const seller = await db.seller.findUnique({ where: { userId }, select: { id: true } });
  if (!seller) return { items: [], total: 0 };
  const where = { sellerId: seller.id };
  const [rows, total] = await Promise.all([
    db.product.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "asc" }], skip: (page - 1) * pageSize, take: pageSize }),
    db.product.count({ where }),
  ]);
  return { items: rows.map(productView), total };
}

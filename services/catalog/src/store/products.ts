import { notFound } from "@drops/http";
import type { Db } from "./prisma.ts";
import { approvedSellerOf } from "./sellers.ts";
import { mustOwn, productData, productPatch, type ProductInput, type ProductView } from "../domain/products.ts";

type ProductRow = { id: string; sellerId: string; name: string; description: string; priceCents: number; createdAt: Date; updatedAt: Date };

export function productView(p: ProductRow): ProductView {
  return {
    productId: p.id, sellerId: p.sellerId, name: p.name, description: p.description, priceCents: p.priceCents,
    createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString(),
  };
}

/** Only an approved seller creates products; the product belongs to the caller's seller. */
export async function createProduct(db: Db, userId: string, input: ProductInput): Promise<ProductView> {
  const seller = await approvedSellerOf(db, userId);
  const product = await db.product.create({ data: { sellerId: seller.sellerId, ...productData(input) } });
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
  return mustOwn(await getProduct(db, productId), seller);
}

export async function updateProduct(db: Db, userId: string, productId: string, patch: Partial<ProductInput>): Promise<ProductView> {
  await ownedProduct(db, userId, productId);
  return productView(await db.product.update({ where: { id: productId }, data: productPatch(patch) }));
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

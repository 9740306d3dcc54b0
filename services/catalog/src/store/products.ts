import { notFound } from "@drops/http";
import type { Db } from "./prisma.ts";
import { approvedSellerOf } from "./sellers.ts";
import type { ProductStock, ProductStockFigures } from "./inventory.ts";
import { mustOwn, productData, productPatch, type ProductInput, type ProductView } from "../domain/products.ts";

type ProductRow = { id: string; sellerId: string; name: string; description: string; priceCents: number; createdAt: Date; updatedAt: Date };

export function productView(p: ProductRow): ProductView {
  return {
    productId: p.id, sellerId: p.sellerId, name: p.name, description: p.description, priceCents: p.priceCents,
    createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString(),
  };
}

/** Longest a product's creation may hold its transaction open (the inventory call included). */
const CREATE_TX_TIMEOUT_MS = 65_000;

/**
 * Only an approved seller creates products; the product belongs to the caller's seller. With
 * `stock`, the row and the inventory's stock go together: the row is inserted, the inventory sets the
 * product's stock, then the transaction commits; if the inventory call fails nothing is created.
 */
export async function createProduct(db: Db, userId: string, input: ProductInput & { stock?: number }, stock?: ProductStock): Promise<ProductView> {
  const seller = await approvedSellerOf(db, userId);
  const data = { sellerId: seller.sellerId, ...productData(input) };
  if (input.stock === undefined) return productView(await db.product.create({ data }));
  if (!stock) throw new Error("createProduct: stock given but no ProductStock");
  const units = input.stock;
  return db.$transaction(
    async (tx) => {
      // available from the start: the inventory's first snapshot may come before this commit and find no row
      const product = await tx.product.create({ data: { ...data, available: units } });
      await stock.set(product.id, units);
      return productView(product);
    },
    { maxWait: 5_000, timeout: CREATE_TX_TIMEOUT_MS },
  );
}

/** The product's approved owner adds `units` to its stock (set to `units` when never set). */
export async function restockProduct(db: Db, userId: string, productId: string, units: number, stock: ProductStock): Promise<ProductStockFigures> {
  await ownedProduct(db, userId, productId);
  const figures = await stock.restock(productId, units);
  return { productId, stock: figures.stock, available: figures.available };
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

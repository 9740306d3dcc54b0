/**
 * GET /products in PostgreSQL: the drop search's keywords and price range on products, the seller
 * filter, the product sorts (rules: domain/search.ts; indexes: migration 20261216000000).
 */
import type { Db } from "./prisma.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { ProductView } from "../domain/products.ts";
import type { ProductSearch, ProductSort } from "../domain/search.ts";
import { keywordConditions, priceConditions, whereOf } from "./drop-search.ts";
import { productView } from "./products.ts";

/** A product in a search answer, with its units on sale for carts as last known to the catalog. */
export type ProductListing = ProductView & { stock: { available: number } };

const ORDER: Record<ProductSort, Prisma.Sql> = {
  createdAt: Prisma.sql`p."created_at", p."id"`,
  "-createdAt": Prisma.sql`p."created_at" DESC, p."id" DESC`,
  price: Prisma.sql`p."price_cents", p."id"`,
  "-price": Prisma.sql`p."price_cents" DESC, p."id" DESC`,
};

type Row = { id: string; sellerId: string; name: string; description: string; priceCents: number; createdAt: Date; updatedAt: Date; available: number | null };

/**
 * The SQL of a search: page and total (exported for scripts/bench/search-explain.ts). As for drops:
 * with keywords the matches come first through the trigram index (MATERIALIZED), then are sorted;
 * the page's ids first, then their rows (deferred join).
 */
export function productSearchSql(s: ProductSearch): { page: Prisma.Sql; count: Prisma.Sql } {
  const filters = [
    ...(s.sellerId !== undefined ? [Prisma.sql`p."seller_id" = ${s.sellerId}::uuid`] : []),
    ...priceConditions(Prisma.sql`p."price_cents"`, s.minPriceCents, s.maxPriceCents),
  ];
  const words = keywordConditions(s.words);
  const matching = words.length
    ? Prisma.sql`WITH matching AS MATERIALIZED (SELECT p."id", p."price_cents", p."created_at" FROM "products" p ${whereOf([...words, ...filters])})`
    : Prisma.empty;
  const from = words.length ? Prisma.sql`matching p` : Prisma.sql`"products" p ${whereOf(filters)}`;
  return {
    page: Prisma.sql`${matching}
      SELECT p."id", p."seller_id" AS "sellerId", p."name", p."description", p."price_cents" AS "priceCents",
             p."created_at" AS "createdAt", p."updated_at" AS "updatedAt", p."available"
      FROM (SELECT p."id" FROM ${from} ORDER BY ${ORDER[s.sort]} LIMIT ${s.limit} OFFSET ${s.offset}) page
      JOIN "products" p ON p."id" = page."id"
      ORDER BY ${ORDER[s.sort]}`,
    count: Prisma.sql`${matching} SELECT count(*)::int AS "total" FROM ${from}`,
  };
}

/** GET /products: keyword search, seller and price filters, sort, a page and the total (one snapshot). */
export async function searchProducts(db: Db, s: ProductSearch): Promise<{ items: ProductListing[]; total: number }> {
  const sql = productSearchSql(s);
  const [rows, counted] = await db.$transaction([db.$queryRaw<Row[]>(sql.page), db.$queryRaw<{ total: number }[]>(sql.count)], {
    isolationLevel: "RepeatableRead",
  });
  return { items: rows.map((r) => ({ ...productView(r), stock: { available: r.available ?? 0 } })), total: counted[0]?.total ?? 0 };
}

/**
 * GET /drops in PostgreSQL (the rules: domain/search.ts). One SQL statement for the page and one for
 * the total, written by hand so each filter and sort meets its index (migration
 * 20261216000000_search_indexes_stock_figures, 20261218100000_products_search_text): keywords -> the
 * trigram GIN index on products.search_text = lower(name || ' ' || description); every sort -> a
 * btree ending in the id, so a page is an index range.
 */
import type { Db } from "./prisma.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { DropStatus, DropView } from "../domain/drops.ts";
import { containsPattern, type DropSearch, type DropSort, type DropStatusFilter } from "../domain/search.ts";
import { dropView } from "./drops.ts";

/**
 * Each keyword must appear in the product's "name description" (`p` is the products alias):
 * `search_text` is that, lower-cased, a generated column with a trigram GIN index.
 */
export function keywordConditions(words: readonly string[]): Prisma.Sql[] {
  return words.map((w) => Prisma.sql`p."search_text" LIKE ${containsPattern(w)} ESCAPE '\\'`);
}

/** The price range on `column` (drops: the drop's own price; products: the product's). */
export function priceConditions(column: Prisma.Sql, min: number | undefined, max: number | undefined): Prisma.Sql[] {
  return [...(min !== undefined ? [Prisma.sql`${column} >= ${min}`] : []), ...(max !== undefined ? [Prisma.sql`${column} <= ${max}`] : [])];
}

export function whereOf(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

/** Started (a scheduled drop past its start is open, see effectiveStatus) and not paused or closed. */
const STARTED = Prisma.sql`(d."status" = 'open' OR (d."status" = 'scheduled' AND d."starts_at" <= `;

/** The status buyers see, on the stored status, start time and last known stock. */
function statusCondition(status: DropStatusFilter, now: Date): Prisma.Sql {
  switch (status) {
    case "upcoming":
      return Prisma.sql`d."status" = 'scheduled' AND d."starts_at" > ${now}`;
    case "open":
      return Prisma.sql`${STARTED}${now})) AND d."available" > 0`;
    case "sold_out":
      return Prisma.sql`${STARTED}${now})) AND d."available" = 0`;
    case "paused":
      return Prisma.sql`d."status" = 'paused'`;
    case "ended":
      return Prisma.sql`d."status" = 'closed'`;
  }
}

/** Each sort and its exact reverse; the tie-breaks follow the index, so either direction is one index scan. */
const ORDER: Record<DropSort, Prisma.Sql> = {
  startsAt: Prisma.sql`d."starts_at", d."id"`,
  "-startsAt": Prisma.sql`d."starts_at" DESC, d."id" DESC`,
  // most units left first; among equals the soonest
  available: Prisma.sql`d."available" DESC, d."starts_at", d."id"`,
  "-available": Prisma.sql`d."available", d."starts_at" DESC, d."id" DESC`,
  price: Prisma.sql`d."price_cents", d."id"`,
  "-price": Prisma.sql`d."price_cents" DESC, d."id" DESC`,
};

type Row = {
  id: string; productId: string; startsAt: Date; units: number; available: number; perBuyerLimit: number; holdSeconds: number;
  priceCents: number; status: DropStatus; createdAt: Date; sellerId: string; name: string; description: string;
};

/**
 * The SQL of a search: page and total (exported for scripts/bench/search-explain.ts).
 *
 * With keywords, the matching products are found first, through the trigram index, and only their
 * drops are sorted (a MATERIALIZED CTE): the planner cannot estimate how many rows `LIKE '%word%'`
 * keeps, and when it guesses "many" it walks a sort index row by row checking each product (seen at
 * 70-90 ms on 100,000 drops for a 3-word query matching 159). Without keywords the sort index is
 * walked directly. Either way the page's ids come first and only those rows are joined (deferred
 * join), so a deep page skips index entries, not joined rows.
 */
export function dropSearchSql(s: DropSearch, now: Date): { page: Prisma.Sql; count: Prisma.Sql } {
  const words = keywordConditions(s.words);
  const seller = s.sellerId !== undefined ? [Prisma.sql`p."seller_id" = ${s.sellerId}::uuid`] : [];
  const onDrop = [
    ...(s.status ? [statusCondition(s.status, now)] : []),
    ...(s.productId !== undefined ? [Prisma.sql`d."product_id" = ${s.productId}::uuid`] : []),
    ...priceConditions(Prisma.sql`d."price_cents"`, s.minPriceCents, s.maxPriceCents),
  ];
  let matching: Prisma.Sql;
  let from: Prisma.Sql;
  let where: Prisma.Sql;
  if (words.length) {
    matching = Prisma.sql`WITH matching AS MATERIALIZED (SELECT p."id" FROM "products" p ${whereOf([...words, ...seller])})`;
    from = Prisma.sql`"drops" d JOIN matching m ON m."id" = d."product_id"`;
    where = whereOf(onDrop);
  } else {
    matching = Prisma.empty;
    from = seller.length ? Prisma.sql`"drops" d JOIN "products" p ON p."id" = d."product_id"` : Prisma.sql`"drops" d`;
    where = whereOf([...seller, ...onDrop]);
  }
  const page = Prisma.sql`${matching}
    SELECT d."id", d."product_id" AS "productId", d."starts_at" AS "startsAt", d."units", d."available",
           d."per_buyer_limit" AS "perBuyerLimit", d."hold_seconds" AS "holdSeconds", d."price_cents" AS "priceCents",
           d."status"::text AS "status", d."created_at" AS "createdAt", p."seller_id" AS "sellerId", p."name", p."description"
    FROM (SELECT d."id" FROM ${from} ${where} ORDER BY ${ORDER[s.sort]} LIMIT ${s.limit} OFFSET ${s.offset}) page
    JOIN "drops" d ON d."id" = page."id" JOIN "products" p ON p."id" = d."product_id"
    ORDER BY ${ORDER[s.sort]}`;
  const count = Prisma.sql`${matching} SELECT count(*)::int AS "total" FROM ${from} ${where}`;
  return { page, count };
}

/** GET /drops: keyword search, filters, sort, a page and the total count of matches (one snapshot). */
export async function searchDrops(db: Db, s: DropSearch, now = new Date()): Promise<{ items: DropView[]; total: number }> {
  const sql = dropSearchSql(s, now);
  const [rows, counted] = await db.$transaction([db.$queryRaw<Row[]>(sql.page), db.$queryRaw<{ total: number }[]>(sql.count)], {
    isolationLevel: "RepeatableRead",
  });
  const items = rows.map((r) =>
    dropView({ ...r, product: { sellerId: r.sellerId, name: r.name, description: r.description } }, now.getTime()),
  );
  return { items, total: counted[0]?.total ?? 0 };
}

/** GET /drops in PostgreSQL: keywords, filters and sort as Prisma queries (the rules: domain/search.ts). */
import type { Db } from "./prisma.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { DropStatus, DropView } from "../domain/drops.ts";
import { keywords, type DropSearch, type DropSort } from "../domain/search.ts";
import { dropView, productForView } from "./drops.ts";

/** Every keyword must appear, case-insensitively, in the product's name or description. */
function keywordFilter(words: string[]): Prisma.DropWhereInput[] {
  return words.map((word) => ({
    OR: [
      { product: { name: { contains: word, mode: "insensitive" } } },
      { product: { description: { contains: word, mode: "insensitive" } } },
    ],
  }));
}

/** Status as buyers see it: a scheduled drop past its start is open (see effectiveStatus). */
function statusFilter(status: DropStatus, now: Date): Prisma.DropWhereInput {
  if (status === "open") return { OR: [{ status: "open" }, { status: "scheduled", startsAt: { lte: now } }] };
  if (status === "scheduled") return { status: "scheduled", startsAt: { gt: now } };
  return { status };
}

function orderBy(sort: DropSort): Prisma.DropOrderByWithRelationInput[] {
  switch (sort) {
    case "startsAt":
      return [{ startsAt: "asc" }, { id: "asc" }];
    case "-startsAt":
      return [{ startsAt: "desc" }, { id: "asc" }];
    case "available":
      // most units left first; among equals the soonest
      return [{ available: "desc" }, { startsAt: "asc" }, { id: "asc" }];
  }
}

/** GET /drops: keyword search, filters, sort, pagination with the total count of matches. */
export async function searchDrops(db: Db, s: DropSearch, now = new Date()): Promise<{ items: DropView[]; total: number }> {
  const and: Prisma.DropWhereInput[] = keywordFilter(keywords(s.q));
  if (s.status) and.push(statusFilter(s.status, now));
  if (s.sellerId) and.push({ product: { sellerId: s.sellerId } });
  if (s.productId) and.push({ productId: s.productId });
  const where: Prisma.DropWhereInput = and.length ? { AND: and } : {};
  const [rows, total] = await db.$transaction([
    db.drop.findMany({ where, orderBy: orderBy(s.sort), skip: (s.page - 1) * s.pageSize, take: s.pageSize, include: { product: productForView } }),
    db.drop.count({ where }),
  ]);
  return { items: rows.map((d) => dropView(d, now.getTime())), total };
}

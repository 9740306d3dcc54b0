/**
 * Drop and product search: the queries buyers send, read into a search the store runs. Keywords,
 * the statuses buyers filter by, sorts, price ranges and pages. No storage, time passed in.
 */
import { badRequest } from "@drops/http";

/** Sorts of GET /drops: soonest / latest start, most / fewest units left, cheapest / dearest. */
export const DROP_SORTS = ["startsAt", "-startsAt", "available", "-available", "price", "-price"] as const;
export type DropSort = (typeof DROP_SORTS)[number];

/** Sorts of GET /products: oldest / newest first, cheapest / dearest. */
export const PRODUCT_SORTS = ["createdAt", "-createdAt", "price", "-price"] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/**
 * The statuses a buyer filters drops by: upcoming (not started), open (started, units left),
 * sold_out (started, none left), paused, ended (closed). `scheduled` and `closed` are the older names
 * of upcoming and ended and still accepted.
 */
export const DROP_STATUS_FILTERS = ["upcoming", "open", "sold_out", "paused", "ended", "scheduled", "closed"] as const;
export type DropStatusFilter = "upcoming" | "open" | "sold_out" | "paused" | "ended";

/** At most this many keywords are used (the rest of a long query is ignored). */
export const MAX_KEYWORDS = 10;

/** What the route hands over (validated and coerced by its JSON schema). */
export type SearchQuery = { q?: string; sellerId?: string; minPriceCents?: number; maxPriceCents?: number; page: number; pageSize: number };
export type DropQuery = SearchQuery & { sort?: DropSort; status?: (typeof DROP_STATUS_FILTERS)[number]; productId?: string };
export type ProductQuery = SearchQuery & { sort?: ProductSort };

type Search = {
  /** Lower-cased, deduplicated; each must appear in name or description. */
  words: string[];
  sellerId?: string;
  minPriceCents?: number;
  maxPriceCents?: number;
  /** Rows skipped and taken. */
  offset: number;
  limit: number;
};
export type DropSearch = Search & { sort: DropSort; status?: DropStatusFilter; productId?: string };
export type ProductSearch = Search & { sort: ProductSort };

/** Keywords of a query: split on whitespace, empty ones dropped, duplicates (any case) once. */
export function keywords(q: string | undefined): string[] {
  if (!q) return [];
  const seen = new Set<string>();
  for (const word of q.split(/\s+/)) {
    if (word) seen.add(word.toLowerCase());
  }
  return [...seen].slice(0, MAX_KEYWORDS);
}

/** A keyword as a LIKE pattern matching it anywhere, with `%`, `_` and `\` literal (ESCAPE '\'). */
export function containsPattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], field: string, fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw badRequest(`${field} must be one of ${allowed.join(", ")}`, "VALIDATION_FAILED", { field });
}

function common(q: SearchQuery): Search {
  const { minPriceCents: min, maxPriceCents: max } = q;
  if (min !== undefined && max !== undefined && min > max) {
    throw badRequest(`minPriceCents (${min}) must not be above maxPriceCents (${max})`, "VALIDATION_FAILED", { field: "minPriceCents" });
  }
  return {
    words: keywords(q.q),
    ...(q.sellerId !== undefined ? { sellerId: q.sellerId } : {}),
    ...(min !== undefined ? { minPriceCents: min } : {}),
    ...(max !== undefined ? { maxPriceCents: max } : {}),
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  };
}

/** GET /drops: 400 VALIDATION_FAILED on an unknown sort or status, or a price range upside down. */
export function dropSearch(q: DropQuery): DropSearch {
  const status = q.status === undefined ? undefined : statusFilter(oneOf(q.status, DROP_STATUS_FILTERS, "status", "open"));
  return {
    ...common(q),
    sort: oneOf(q.sort, DROP_SORTS, "sort", "startsAt"),
    ...(status ? { status } : {}),
    ...(q.productId !== undefined ? { productId: q.productId } : {}),
  };
}

/** GET /products: as dropSearch; newest first unless sorted otherwise. */
export function productSearch(q: ProductQuery): ProductSearch {
  return { ...common(q), sort: oneOf(q.sort, PRODUCT_SORTS, "sort", "-createdAt") };
}

function statusFilter(s: (typeof DROP_STATUS_FILTERS)[number]): DropStatusFilter {
  if (s === "scheduled") return "upcoming";
  if (s === "closed") return "ended";
  return s;
}

/** Drop search: the query buyers send, and how its keywords are read. No storage. */
import type { DropStatus } from "./drops.ts";

export type DropSort = "startsAt" | "-startsAt" | "available";
export type DropSearch = { q?: string; sort: DropSort; status?: DropStatus; sellerId?: string; productId?: string; page: number; pageSize: number };

/** At most this many keywords are used (the rest of a long query is ignored). */
export const MAX_KEYWORDS = 10;

/** Keywords of a query: split on whitespace, empty ones dropped, duplicates (any case) once. */
export function keywords(q: string | undefined): string[] {
  if (!q) return [];
  const seen = new Set<string>();
  for (const word of q.split(/\s+/)) {
    if (word) seen.add(word.toLowerCase());
  }
  return [...seen].slice(0, MAX_KEYWORDS);
}

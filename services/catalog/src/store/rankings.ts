/**
 * Rankings: Redis sorted sets of sold units, fed by the inventory's StockChanged snapshots
 * (handlers/rank-on-stock-changed.ts), read with the catalog's names (GET /rankings/*).
 *
 * Keys (all in one cluster slot, `{rankings}`, since one script touches them together), under
 * CATALOG_KEY_PREFIX: `{rankings}:sold` (hash: stock item -> "<seq>:<sold>" last applied),
 * `{rankings}:drops`, `{rankings}:products` (sorted sets by sold units).
 */
import { fileURLToPath } from "node:url";
import { unavailable } from "@drops/http";
import { defineScripts } from "@drops/redis";
import type { RedisClient } from "@drops/clients";
import type { Db } from "./prisma.ts";

export type RankedKind = "drops" | "products";
export type Ranked = { id: string; score: number };
/** A stock item as the rankings see it: a drop (scored itself and for its product) or a product's cart stock. */
export type StockItem = { kind: "drop" | "product"; itemId: string; productId: string };

export type Rankings = {
  /** Applies an item's sold units from a snapshot; false when a snapshot with this or a newer seq was applied. */
  applySold: (item: StockItem, seq: number, sold: number) => Promise<boolean>;
  /** The `limit` best of a ranking, most sold first (equal scores: the larger id first, Redis's order); only scores above 0. */
  top: (kind: RankedKind, limit: number) => Promise<Ranked[]>;
};

const LUA_DIR = fileURLToPath(new URL("./lua/", import.meta.url));

export function rankingKeys(prefix: string): { sold: string; drops: string; products: string } {
  return { sold: `${prefix}{rankings}:sold`, drops: `${prefix}{rankings}:drops`, products: `${prefix}{rankings}:products` };
}

export function createRankings(redis: RedisClient, prefix: string): Rankings {
  const scripts = defineScripts(redis, LUA_DIR);
  const keys = rankingKeys(prefix);
  return {
    applySold: async (item, seq, sold) =>
      Number(await scripts.run("rankSold", [keys.sold, keys.drops, keys.products], [item.itemId, item.productId, item.kind, String(seq), String(sold)])) === 1,
    top: async (kind, limit) => {
      // Redis down or slow (commandTimeout): a clear 503, never a 500.
      const flat = await redis.zrevrangebyscore(keys[kind], "+inf", "(0", "WITHSCORES", "LIMIT", 0, limit).catch((err: unknown) => {
        throw unavailable(`rankings are unavailable; retry shortly (${err instanceof Error ? err.name : "error"})`);
      });
      const out: Ranked[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i]!, score: Number(flat[i + 1]) });
      return out;
    },
  };
}

/** Which stock item an id of a StockChanged is: one of the catalog's drops, one of its products, or neither (null). */
export async function stockItemOf(db: Db, id: string): Promise<StockItem | null> {
  const drop = await db.drop.findUnique({ where: { id }, select: { productId: true } });
  if (drop) return { kind: "drop", itemId: id, productId: drop.productId };
  const product = await db.product.findUnique({ where: { id }, select: { id: true } });
  return product ? { kind: "product", itemId: id, productId: id } : null;
}

export type DropRanking = { items: { dropId: string; name: string; score: number }[] };
export type ProductRanking = { items: { productId: string; name: string; score: number }[] };

/** GET /rankings/drops: the best drops with their product's name (a drop the catalog does not know is left out). */
export async function dropRanking(db: Db, rankings: Rankings, limit: number): Promise<DropRanking> {
  const top = await rankings.top("drops", limit);
  const rows = await db.drop.findMany({ where: { id: { in: top.map((r) => r.id) } }, select: { id: true, product: { select: { name: true } } } });
  const names = new Map(rows.map((r) => [r.id, r.product.name]));
  return { items: top.flatMap((r) => (names.has(r.id) ? [{ dropId: r.id, name: names.get(r.id)!, score: r.score }] : [])) };
}

/** GET /rankings/products: the best products (their drops' sales and their cart sales together). */
export async function productRanking(db: Db, rankings: Rankings, limit: number): Promise<ProductRanking> {
  const top = await rankings.top("products", limit);
  const rows = await db.product.findMany({ where: { id: { in: top.map((r) => r.id) } }, select: { id: true, name: true } });
  const names = new Map(rows.map((r) => [r.id, r.name]));
  return { items: top.flatMap((r) => (names.has(r.id) ? [{ productId: r.id, name: names.get(r.id)!, score: r.score }] : [])) };
}

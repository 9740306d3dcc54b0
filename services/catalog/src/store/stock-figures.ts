/**
 * The catalog's copy of live stock: a drop's available units, total and status, a product's
 * available cart units, from the inventory's StockChanged snapshots. A snapshot is applied only when
 * its seq is newer than the one stored (`stock_seq`), so a redelivery or an older snapshot arriving
 * late changes nothing.
 */
import type { Db } from "./prisma.ts";
import type { StockFigures } from "../domain/stock.ts";

export type Applied = "drop" | "product" | "none";

/** Applies `f` to the drop or product it is about; "none" when it is stale or the id is neither. */
export async function applyStockFigures(db: Db, f: StockFigures): Promise<Applied> {
  const seq = BigInt(f.seq);
  const status = f.status ?? null;
  const drops = await db.$executeRaw`
    UPDATE "drops" SET "available" = ${f.available}, "units" = ${f.total}, "status" = COALESCE(${status}::text::"drop_status", "status"), "stock_seq" = ${seq}
    WHERE "id" = ${f.itemId}::uuid AND "stock_seq" < ${seq}`;
  if (drops > 0) return "drop";
  const products = await db.$executeRaw`
    UPDATE "products" SET "available" = ${f.available}, "stock_seq" = ${seq}
    WHERE "id" = ${f.itemId}::uuid AND "stock_seq" < ${seq}`;
  return products > 0 ? "product" : "none";
}

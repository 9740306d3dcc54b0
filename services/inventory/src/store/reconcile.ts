/**
 * Reconciliation (`@drops/inventory-service/reconcile`): for every drop the inventory knows (ledger
 * `drops` and Redis `stock:drops`), checks available + held + sold == total (+ adjustments) in Redis
 * and in the ledger, and that both agree (checkDropStock in stock-admin.ts). `main` is the command
 * (scripts/reconcile.ts): 0 all consistent, 1 any difference; it rejects when it could not run.
 *
 *   node scripts/reconcile.ts [--json] [dropId...]
 *
 * Reads REDIS_URL (or STOCK_REDIS_CLUSTER_NODES), DATABASE_URL, DB_SCHEMA, STOCK_KEY_PREFIX (defaults as the service).
 */
import { createPool } from "@drops/db";
import { stockRedisTarget } from "@drops/http/config";
import { createStockRedis } from "@drops/redis";
import { readConfig } from "../config.ts";
import type { Pool } from "./db.ts";
import type { Redis } from "./stock/scripts.ts";
import { allDropIds } from "./drops.ts";
import { dropIndexKey } from "./stock/keys.ts";
import { checkDropStock, type StockReport } from "./stock-admin.ts";

export type ReconcileResult = { reports: StockReport[]; ok: boolean };

export async function reconcile(deps: { redis: Redis; pool: Pool; prefix?: string }, only: readonly string[] = []): Promise<ReconcileResult> {
  const ids = only.length > 0 ? [...only] : [...new Set([...(await allDropIds(deps.pool)), ...(await deps.redis.smembers(dropIndexKey(deps.prefix ?? "")))])].sort();
  const reports: StockReport[] = [];
  for (const id of ids) reports.push(await checkDropStock(deps, id));
  return { reports, ok: reports.every((r) => r.consistent) };
}

export function formatReport(r: StockReport): string {
  const head = `${r.consistent ? "OK  " : "DIFF"} ${r.dropId}: available ${r.available} + held ${r.held} + sold ${r.sold} = ${r.available + r.held + r.sold} / total ${r.total}`;
  const extra = [r.loaded ? `status ${r.status}` : "not in Redis", r.unrelayed > 0 ? `${r.unrelayed} entries not relayed yet` : ""].filter(Boolean).join(", ");
  return [`${head} (${extra})`, ...r.problems.map((p) => `       - ${p}`)].join("\n");
}

export async function main(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const json = argv.includes("--json");
  const only = argv.filter((a) => !a.startsWith("--"));
  const config = readConfig(env);
  const redis = createStockRedis(stockRedisTarget(config), { connectionName: "inventory-reconcile" });
  const pool = createPool(config.DATABASE_URL, { schema: config.DB_SCHEMA, applicationName: "inventory-reconcile" });
  try {
    const { reports, ok } = await reconcile({ redis, pool, prefix: config.STOCK_KEY_PREFIX }, only);
    if (json) console.log(JSON.stringify({ ok, reports }, null, 2));
    else {
      for (const r of reports) console.log(formatReport(r));
      console.log(`${reports.length} drop(s) checked: ${ok ? "all consistent" : `${reports.filter((r) => !r.consistent).length} with differences`}`);
    }
    return ok ? 0 : 1;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
    await pool.end();
  }
}

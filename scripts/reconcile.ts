/**
 * Stock reconciliation: for every drop (or the given ones) proves available + held + sold == total
 * (+ adjustments) in Redis and in the inventory's PostgreSQL ledger, and that both agree.
 * Exit 0 when every drop is consistent, 1 on any difference, 2 when it could not run.
 *
 *   node scripts/reconcile.ts [--json] [dropId...]
 *
 * Reads REDIS_URL (or STOCK_REDIS_CLUSTER_NODES: the stock on a Redis Cluster), DATABASE_URL, DB_SCHEMA
 * (the inventory's; default `inventory`) and STOCK_KEY_PREFIX.
 * The logic is the inventory's own (`@drops/inventory-service/reconcile`): the inventory owns stock.
 */
import { main } from "@drops/inventory-service/reconcile";

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`reconcile failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);

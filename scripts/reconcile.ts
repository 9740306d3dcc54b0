/**
 * Stock reconciliation: for every drop (or the given ones) proves available + held + sold == total
 * (+ adjustments) in Redis and in the inventory's PostgreSQL ledger, and that both agree.
 * Exit 0 when every drop is consistent, 1 on any difference, 2 when it could not run.
 *
 *   node scripts/reconcile.ts [--json] [dropId...]
 *
 * Reads REDIS_URL, DATABASE_URL and DB_SCHEMA (the inventory's; default `inventory`).
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

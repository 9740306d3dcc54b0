/**
 * The row-lock comparison (PURCHASE_STRATEGY=rowlock; a benchmark comparison only, never the
 * production path): the purchase the common way, one PostgreSQL transaction per attempt that locks
 * the drop's stock row (`SELECT ... FOR UPDATE`), checks the open time, the buyer's limit and the
 * units left, inserts the order and decrements. Every attempt of a drop, loser or winner, waits for
 * that one row lock in turn: it never oversells, and that queue is what the benchmark measures
 * against the Redis path. No saga follows (nothing is relayed, paid or confirmed).
 *
 * Tables, in a schema of their own (ROWLOCK_SCHEMA, `rowlock`; the pool's search_path names it),
 * created idempotently at start: `drop_stock(drop_id pk, available, per_buyer_limit, starts_at,
 * hold_ms)`, loaded on a drop's first attempt from the catalog's drop (`INSERT ... ON CONFLICT DO
 * NOTHING`), and `rowlock_orders(order_id pk, drop_id, buyer_id, quantity, fingerprint, created_at)`
 * keyed by the purchase's idempotent order id (a replay finds its order).
 */
import type { Pool } from "@drops/clients";
import { inTransaction, quoteIdent } from "@drops/db";
import type { ReserveResult } from "../domain/purchase-outcome.ts";

export type RowlockDrop = { dropId: string; units: number; perBuyerLimit: number; startsAtMs: number; holdMs: number };

export type RowlockReserve = { dropId: string; orderId: string; buyerId: string; qty: number; fingerprint: string };

export type RowlockStock = {
  /** Inserts the drop's stock row unless it exists (never overwrites a live row). */
  load(drop: RowlockDrop): Promise<void>;
  /** One transaction under the drop row's lock; the outcome has the reserve script's shape. `undefined`: the drop has no row. */
  reserve(input: RowlockReserve): Promise<ReserveResult | undefined>;
};

/** Creates the schema and tables if missing; safe for several instances at once (advisory lock). */
export async function ensureRowlockSchema(pool: Pool, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await inTransaction(pool, async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('drops-gateway-rowlock-schema'))");
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${s}.drop_stock (
      drop_id uuid PRIMARY KEY,
      available integer NOT NULL CHECK (available >= 0),
      per_buyer_limit integer NOT NULL,
      starts_at timestamptz NOT NULL,
      hold_ms integer NOT NULL
    )`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${s}.rowlock_orders (
      order_id uuid PRIMARY KEY,
      drop_id uuid NOT NULL REFERENCES ${s}.drop_stock (drop_id),
      buyer_id uuid NOT NULL,
      quantity integer NOT NULL CHECK (quantity >= 1),
      fingerprint text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await tx.query(`CREATE INDEX IF NOT EXISTS rowlock_orders_drop_buyer ON ${s}.rowlock_orders (drop_id, buyer_id)`);
  });
}

type StockRow = { available: number; per_buyer_limit: number; starts_at_ms: string; hold_ms: number; now_ms: string };
type OrderRow = { existing_qty: number | null; existing_fp: string | null; existing_ms: string | null; taken: string };

/** `pool`'s search_path starts with the comparison's schema (clients.ts). */
export function createRowlockStock(pool: Pool): RowlockStock {
  return {
    async load(drop) {
      await pool.query(
        "INSERT INTO drop_stock (drop_id, available, per_buyer_limit, starts_at, hold_ms) VALUES ($1, $2, $3, to_timestamp($4::double precision / 1000), $5) ON CONFLICT (drop_id) DO NOTHING",
        [drop.dropId, drop.units, drop.perBuyerLimit, drop.startsAtMs, drop.holdMs],
      );
    },

    async reserve(input) {
      return inTransaction(pool, async (tx) => {
        const stock = await tx.query<StockRow>(
          "SELECT available, per_buyer_limit, (extract(epoch FROM starts_at) * 1000)::bigint AS starts_at_ms, hold_ms, (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms FROM drop_stock WHERE drop_id = $1 FOR UPDATE",
          [input.dropId],
        );
        const row = stock.rows[0];
        if (row === undefined) return undefined;
        const orders = await tx.query<OrderRow>(
          `SELECT o.quantity AS existing_qty, o.fingerprint AS existing_fp, (extract(epoch FROM o.created_at) * 1000)::bigint AS existing_ms,
                  (SELECT coalesce(sum(quantity), 0) FROM rowlock_orders WHERE drop_id = $1 AND buyer_id = $3) AS taken
             FROM (SELECT 1) one LEFT JOIN rowlock_orders o ON o.order_id = $2`,
          [input.dropId, input.orderId, input.buyerId],
        );
        const o = orders.rows[0]!;
        const available = row.available;
        if (o.existing_qty !== null) {
          return {
            status: "HELD", orderId: input.orderId, qty: o.existing_qty, holdExpiresAtMs: Number(o.existing_ms) + row.hold_ms,
            available, replay: true, fingerprint: o.existing_fp ?? "",
          };
        }
        const now = Number(row.now_ms);
        const startsAtMs = Number(row.starts_at_ms);
        if (now < startsAtMs) return { status: "NOT_OPEN", startsAtMs };
        const taken = Number(o.taken);
        if (row.per_buyer_limit > 0 && taken + input.qty > row.per_buyer_limit) return { status: "LIMIT_REACHED", taken, perBuyerLimit: row.per_buyer_limit };
        if (available < input.qty) return { status: "SOLD_OUT", available };
        await tx.query(
          `WITH placed AS (
             INSERT INTO rowlock_orders (order_id, drop_id, buyer_id, quantity, fingerprint, created_at)
             VALUES ($1, $2, $3, $4, $5, to_timestamp($6::double precision / 1000))
           )
           UPDATE drop_stock SET available = available - $4 WHERE drop_id = $2`,
          [input.orderId, input.dropId, input.buyerId, input.qty, input.fingerprint, now],
        );
        return { status: "HELD", orderId: input.orderId, qty: input.qty, holdExpiresAtMs: now + row.hold_ms, available: available - input.qty, replay: false, fingerprint: input.fingerprint };
      });
    },
  };
}

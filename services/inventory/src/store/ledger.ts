/**
 * The stock ledger in PostgreSQL: one row per stock stream entry (unique per drop and stream id, so a
 * re-delivered entry is not applied twice), and the `stock_counters` projection updated in the same
 * transaction. Written by the relay (a sink run before XACK).
 */
import { inTransaction } from "@drops/db";
import type { StockCounters } from "../domain/stock.ts";
import type { Pool } from "./db.ts";
import type { StockStreamEntry } from "../domain/stream-entry.ts";
import { ledgerKind, sumRows, type LedgerKind } from "../domain/counters.ts";

/** Orders rows by stream id numerically (`<ms>-<seq>`). */
const STREAM_ORDER = "split_part(stream_id, '-', 1)::bigint, split_part(stream_id, '-', 2)::bigint";
const STREAM_ORDER_DESC = "split_part(stream_id, '-', 1)::bigint DESC, split_part(stream_id, '-', 2)::bigint DESC";

/** Appends the entries of one drop; returns how many were new. Idempotent per (dropId, streamId). */
export async function appendEntries(pool: Pool, dropId: string, entries: readonly StockStreamEntry[]): Promise<number> {
  const rows = entries.flatMap((e) => {
    const kind = ledgerKind(e.type);
    return kind === null ? [] : [{ e, kind }];
  });
  if (rows.length === 0) return 0;
  // inTransaction: a connection PostgreSQL ends mid-transaction (a stop, a failover) rejects the
  // append instead of an unhandled 'error' event on the checked-out client, which killed the process.
  return inTransaction(pool, async (client) => {
    const inserted = await client.query<{ kind: LedgerKind; qty: number }>(
      `INSERT INTO stock_ledger (drop_id, order_id, buyer_id, kind, qty, stream_id, expires_at, at)
       SELECT $1, NULLIF(o, ''), NULLIF(b, ''), k, q, s, CASE WHEN x IS NULL THEN NULL ELSE to_timestamp(x / 1000.0) END, to_timestamp(a / 1000.0)
       FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::bigint[], $8::bigint[]) AS u(o, b, k, q, s, x, a)
       ON CONFLICT (drop_id, stream_id) DO NOTHING
       RETURNING kind, qty`,
      [
        dropId,
        rows.map((r) => r.e.orderId),
        rows.map((r) => r.e.buyerId),
        rows.map((r) => r.kind),
        rows.map((r) => r.e.qty),
        rows.map((r) => r.e.streamId),
        rows.map((r) => r.e.expiresAtMs),
        rows.map((r) => r.e.at),
      ],
    );
    if (inserted.rows.length > 0) {
      const d = sumRows(inserted.rows);
      await client.query(
        `INSERT INTO stock_counters AS c (drop_id, total, adjustments, available, held, sold, entries)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (drop_id) DO UPDATE SET total = c.total + EXCLUDED.total, adjustments = c.adjustments + EXCLUDED.adjustments,
           available = c.available + EXCLUDED.available, held = c.held + EXCLUDED.held, sold = c.sold + EXCLUDED.sold,
           entries = c.entries + EXCLUDED.entries, updated_at = now()`,
        [dropId, d.total, d.adjustments, d.available, d.held, d.sold, inserted.rows.length],
      );
    }
    return inserted.rows.length;
  });
}

/** The sink the relay runs before acknowledging a batch. */
export function ledgerSink(pool: Pool): (dropId: string, entries: readonly StockStreamEntry[]) => Promise<void> {
  return async (dropId, entries) => {
    await appendEntries(pool, dropId, entries);
  };
}

export type LedgerRow = { kind: LedgerKind; qty: number; streamId: string; orderId: string | null };

/**
 * Counters computed from the ledger rows themselves (not the projection). With `upTo`, only rows whose
 * stream id is <= upTo count.
 */
export async function ledgerCounters(pool: Pool, dropId: string, opts: { upTo?: string } = {}): Promise<StockCounters & { rows: number }> {
  const params: unknown[] = [dropId];
  let where = "drop_id = $1";
  if (opts.upTo !== undefined) {
    const [ms, seq] = opts.upTo.split("-");
    params.push(ms ?? "0", seq ?? "0");
    where += " AND (split_part(stream_id, '-', 1)::bigint, split_part(stream_id, '-', 2)::bigint) <= ($2::bigint, $3::bigint)";
  }
  const r = await pool.query<{ kind: LedgerKind; qty: string; n: string }>(
    `SELECT kind, sum(qty)::bigint AS qty, count(*)::bigint AS n FROM stock_ledger WHERE ${where} GROUP BY kind`,
    params,
  );
  const c = sumRows(r.rows.map((x) => ({ kind: x.kind, qty: Number(x.qty) })));
  return { ...c, rows: r.rows.reduce((a, x) => a + Number(x.n), 0) };
}

/** Which of `streamIds` the ledger already has for the drop. */
export async function recordedStreamIds(pool: Pool, dropId: string, streamIds: readonly string[]): Promise<Set<string>> {
  if (streamIds.length === 0) return new Set();
  const r = await pool.query<{ stream_id: string }>("SELECT stream_id FROM stock_ledger WHERE drop_id = $1 AND stream_id = ANY($2::text[])", [dropId, streamIds]);
  return new Set(r.rows.map((x) => x.stream_id));
}

/** The projection row (null when the ledger has nothing for the drop). */
export async function projectedCounters(pool: Pool, dropId: string): Promise<StockCounters | null> {
  const r = await pool.query<StockCounters>("SELECT total, adjustments, available, held, sold FROM stock_counters WHERE drop_id = $1", [dropId]);
  return r.rows[0] ?? null;
}

export type LedgerHold = { orderId: string; buyerId: string; qty: number; expiresAtMs: number; state: "held" | "sold" | "released" | "expired" | "refunded" };

/** Each order's hold as the ledger last saw it (for a resync of Redis from the ledger). */
export async function ledgerHolds(pool: Pool, dropId: string): Promise<LedgerHold[]> {
  const r = await pool.query<{ order_id: string; buyer_id: string | null; qty: number; expires_at: Date | null; kind: string }>(
    `SELECT r.order_id, r.buyer_id, r.qty, r.expires_at, l.kind
     FROM (SELECT DISTINCT ON (order_id) order_id, buyer_id, qty, expires_at FROM stock_ledger
           WHERE drop_id = $1 AND kind = 'reserved' ORDER BY order_id, ${STREAM_ORDER}) r
     JOIN LATERAL (SELECT kind FROM stock_ledger WHERE drop_id = $1 AND order_id = r.order_id ORDER BY ${STREAM_ORDER_DESC} LIMIT 1) l ON true
     ORDER BY r.order_id`,
    [dropId],
  );
  return r.rows.map((x) => ({
    orderId: x.order_id,
    buyerId: x.buyer_id ?? "",
    qty: x.qty,
    expiresAtMs: x.expires_at?.getTime() ?? 0,
    state: x.kind === "reserved" ? "held" : x.kind === "confirmed" ? "sold" : (x.kind as LedgerHold["state"]),
  }));
}

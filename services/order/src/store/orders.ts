/** Order rows: lock, insert, versioned update. SQL in the order schema (search_path). */
import { isOrderStatus } from "../domain/order.ts";
import type { Order, OrderLine } from "../domain/order.ts";
import type { Tx } from "@drops/db";

type OrderRow = {
  id: string;
  drop_id: string;
  buyer_id: string;
  quantity: number;
  /** JSONB, parsed by pg. */
  lines: unknown;
  amount_cents: string;
  currency: string;
  payment_method: string | null;
  status: string;
  hold_expires_at: Date;
  payment_deadline_at: Date | null;
  payment_id: string | null;
  cancel_reason: string | null;
  failure_reason: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
};

/** A cart order's lines as stored (JSONB), checked; null for a drop order. */
export function linesFromJson(id: string, v: unknown): OrderLine[] | null {
  if (v === null || v === undefined) return null;
  const int = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n);
  if (!Array.isArray(v)) throw new Error(`order ${id} has malformed lines`);
  return v.map((l: unknown) => {
    const { productId, quantity, priceCents } = (l ?? {}) as Record<string, unknown>;
    if (typeof productId !== "string" || !int(quantity) || !int(priceCents)) throw new Error(`order ${id} has a malformed line`);
    return { productId, quantity, priceCents };
  });
}

export function orderFromRow(r: OrderRow): Order {
  if (!isOrderStatus(r.status)) throw new Error(`order ${r.id} has unknown status ${r.status}`);
  return {
    id: r.id,
    dropId: r.drop_id,
    buyerId: r.buyer_id,
    quantity: r.quantity,
    lines: linesFromJson(r.id, r.lines),
    amountCents: Number(r.amount_cents),
    currency: r.currency,
    paymentMethod: r.payment_method,
    status: r.status,
    holdExpiresAt: r.hold_expires_at.getTime(),
    paymentDeadlineAt: r.payment_deadline_at?.getTime() ?? null,
    paymentId: r.payment_id,
    cancelReason: r.cancel_reason,
    failureReason: r.failure_reason,
    createdAt: r.created_at.getTime(),
    updatedAt: r.updated_at.getTime(),
    version: r.version,
  };
}

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

/** The order, row-locked until the transaction ends; null when unknown. */
export async function lockOrder(tx: Tx, id: string): Promise<Order | null> {
  const res = await tx.query<OrderRow>("SELECT * FROM orders WHERE id = $1 FOR UPDATE", [id]);
  const row = res.rows[0];
  return row === undefined ? null : orderFromRow(row);
}

/**
 * A consumed event's id recorded for the consumer and the order row-locked, in one statement (one
 * round trip instead of two): `fresh` is false for a duplicate delivery (the id was recorded before).
 */
export async function markProcessedAndLockOrder(tx: Tx, consumer: string, eventId: string, id: string): Promise<{ fresh: boolean; order: Order | null }> {
  const res = await tx.query<Omit<OrderRow, "id"> & { id: string | null; fresh: boolean }>(
    `WITH processed AS (INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM processed) AS fresh, o.*
       FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT * FROM orders WHERE id = $3 FOR UPDATE) AS o ON true`,
    [consumer, eventId, id],
  );
  const { fresh, ...row } = res.rows[0]!;
  return { fresh, order: row.id === null ? null : orderFromRow(row as OrderRow) };
}

export async function insertOrder(tx: Tx, o: Order): Promise<void> {
  await tx.query(
    `INSERT INTO orders (id, drop_id, buyer_id, quantity, amount_cents, currency, payment_method, status, hold_expires_at,
       payment_deadline_at, payment_id, cancel_reason, failure_reason, created_at, updated_at, version, lines)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb)`,
    [o.id, o.dropId, o.buyerId, o.quantity, o.amountCents, o.currency, o.paymentMethod, o.status, date(o.holdExpiresAt),
      date(o.paymentDeadlineAt), o.paymentId, o.cancelReason, o.failureReason, date(o.createdAt), date(o.updatedAt), o.version,
      o.lines === null ? null : JSON.stringify(o.lines)],
  );
}

/** Writes `o` over the row at version o.version - 1; throws when someone else changed it meanwhile. */
export async function updateOrder(tx: Tx, o: Order): Promise<void> {
  const res = await tx.query(
    `UPDATE orders SET status = $2, payment_deadline_at = $3, payment_id = $4, cancel_reason = $5, failure_reason = $6,
       updated_at = $7, version = $8
     WHERE id = $1 AND version = $9`,
    [o.id, o.status, date(o.paymentDeadlineAt), o.paymentId, o.cancelReason, o.failureReason, date(o.updatedAt), o.version, o.version - 1],
  );
  if (res.rowCount !== 1) throw new Error(`order ${o.id} changed concurrently (expected version ${o.version - 1})`);
}

/**
 * Ids of orders whose payment deadline passed with the charge still unanswered and no longer
 * resumable, locked (others skip them) until the transaction ends. A charge the provider already
 * answered (payment row succeeded or failed) is not overdue: its PaymentSucceeded / PaymentFailed left
 * in the same transaction through the outbox and the saga applies it, however far behind its consumer
 * is during a burst (timing such an order out cancelled, then refunded, a buyer whose card paid). Nor
 * is a `processing` charge with attempts left (below `maxChargeAttempts`): its worker died, froze or
 * is cutting it off itself at the deadline; the charge runner sends it again (restarting the
 * deadline), so our own outage never times out a payer.
 */
export async function lockOverduePayments(tx: Tx, now: number, limit: number, maxChargeAttempts: number): Promise<string[]> {
  // Not overdue: a charge with its answer on the way (succeeded, failed), or one that can still be
  // sent again (processing with attempts left: resumed, with a new deadline, by the charge runner).
  const res = await tx.query<{ id: string }>(
    `SELECT o.id FROM orders o
     WHERE o.status = 'payment_pending' AND o.payment_deadline_at <= $1
       AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id
                        AND (p.status IN ('succeeded', 'failed') OR (p.status = 'processing' AND p.attempts < $3)))
     ORDER BY o.payment_deadline_at LIMIT $2 FOR UPDATE OF o SKIP LOCKED`,
    [new Date(now), limit, maxChargeAttempts],
  );
  return res.rows.map((r) => r.id);
}

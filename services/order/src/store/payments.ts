/** Payment rows of the payment worker: one per order (the charge), with its refund. */
import type pg from "pg";
import type { Tx } from "@drops/db";
import type { PaymentRequested } from "@drops/events";

export type PaymentStatus = "processing" | "succeeded" | "failed" | "skipped" | "refunded" | "refund_failed";

export type PaymentRow = {
  orderId: string;
  status: PaymentStatus;
  providerRef: string | null;
  attempts: number;
  refundAttempts: number;
};

export async function lockPayment(tx: Tx, orderId: string): Promise<PaymentRow | null> {
  const res = await tx.query<{ order_id: string; status: PaymentStatus; provider_ref: string | null; attempts: number; refund_attempts: number }>(
    "SELECT order_id, status, provider_ref, attempts, refund_attempts FROM payments WHERE order_id = $1 FOR UPDATE",
    [orderId],
  );
  const r = res.rows[0];
  return r === undefined ? null : { orderId: r.order_id, status: r.status, providerRef: r.provider_ref, attempts: r.attempts, refundAttempts: r.refund_attempts };
}

/** Records a charge attempt (first or repeated) as processing; returns its number (the row's `attempts`). */
export async function startPayment(tx: Tx, p: { orderId: string; amountCents: number; paymentMethod: string | null; now: number }): Promise<number> {
  const res = await tx.query<{ attempts: number }>(
    `INSERT INTO payments (order_id, status, amount_cents, payment_method, attempts, created_at, updated_at)
     VALUES ($1, 'processing', $2, $3, 1, $4, $4)
     ON CONFLICT (order_id) DO UPDATE SET attempts = payments.attempts + 1, updated_at = EXCLUDED.updated_at
     RETURNING attempts`,
    [p.orderId, p.amountCents, p.paymentMethod, new Date(p.now)],
  );
  return res.rows[0]!.attempts;
}

/** A payment request for an order that is no longer payable: nothing charged. */
export async function skipPayment(tx: Tx, p: { orderId: string; amountCents: number; paymentMethod: string | null; now: number; reason: string }): Promise<void> {
  await tx.query(
    `INSERT INTO payments (order_id, status, amount_cents, payment_method, last_error, created_at, updated_at)
     VALUES ($1, 'skipped', $2, $3, $4, $5, $5) ON CONFLICT (order_id) DO NOTHING`,
    [p.orderId, p.amountCents, p.paymentMethod, p.reason, new Date(p.now)],
  );
}

/**
 * Settles the charge if its row is still processing (and, with `onlyAttempt`, still on that attempt:
 * a later attempt superseded it); false when it was settled already, superseded, or is missing.
 */
export async function settlePayment(
  tx: Tx,
  p: { orderId: string; status: "succeeded" | "failed"; providerRef: string | null; error: string | null; now: number; onlyAttempt?: number | null },
): Promise<boolean> {
  const res = await tx.query(
    `UPDATE payments SET status = $2, provider_ref = COALESCE($3, provider_ref), last_error = $4, updated_at = $5
      WHERE order_id = $1 AND status = 'processing' AND ($6::int IS NULL OR attempts = $6)`,
    [p.orderId, p.status, p.providerRef, p.error, new Date(p.now), p.onlyAttempt ?? null],
  );
  return res.rowCount === 1;
}

export async function recordRefund(tx: Tx, p: { orderId: string; status: "refunded" | "refund_failed" | null; refundRef: string | null; error: string | null; now: number }): Promise<void> {
  await tx.query(
    `UPDATE payments SET status = COALESCE($2, status), refund_ref = COALESCE($3, refund_ref), refund_attempts = refund_attempts + 1,
       last_error = $4, updated_at = $5 WHERE order_id = $1`,
    [p.orderId, p.status, p.refundRef, p.error, new Date(p.now)],
  );
}

/** An operator retries a refund that failed: the payment is refundable again. */
export async function reopenRefund(tx: Tx, orderId: string, now: number): Promise<void> {
  await tx.query("UPDATE payments SET status = 'succeeded', updated_at = $2 WHERE order_id = $1 AND status = 'refund_failed'", [orderId, new Date(now)]);
}

/** Renews the lease (`updated_at`) of the charges in flight on this instance: one UPDATE for all of them. */
export async function renewChargeLeases(pool: pg.Pool, orderIds: readonly string[], now: number): Promise<void> {
  await pool.query("UPDATE payments SET updated_at = $2 WHERE order_id = ANY($1::text[]) AND status = 'processing'", [orderIds, new Date(now)]);
}

/**
 * Takes up to `limit` processing rows whose lease lapsed (their charge is in flight nowhere: the
 * instance died, or the charge kept failing), renewing the lease in the same statement so no other
 * instance takes them too; returns them as the charge requests to repeat.
 */
export async function claimStaleCharges(
  pool: pg.Pool,
  p: { now: number; staleBefore: number; exclude: readonly string[]; limit: number; maxAttempts: number },
): Promise<PaymentRequested[]> {
  const res = await pool.query<{ order_id: string; buyer_id: string; amount_cents: string; currency: string; payment_method: string | null }>(
    `WITH stale AS (
       SELECT order_id FROM payments
        WHERE status = 'processing' AND updated_at < $2 AND attempts < $5 AND NOT (order_id = ANY($3::text[]))
        ORDER BY updated_at LIMIT $4 FOR UPDATE SKIP LOCKED)
     UPDATE payments p SET updated_at = $1 FROM stale, orders o
      WHERE p.order_id = stale.order_id AND o.id = p.order_id
     RETURNING p.order_id, o.buyer_id, p.amount_cents, o.currency, p.payment_method`,
    [new Date(p.now), new Date(p.staleBefore), p.exclude, p.limit, p.maxAttempts],
  );
  return res.rows.map((r) => ({ orderId: r.order_id, buyerId: r.buyer_id, amountCents: Number(r.amount_cents), currency: r.currency, paymentMethod: r.payment_method }));
}

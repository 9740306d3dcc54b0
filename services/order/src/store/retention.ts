/**
 * Deletes what is only kept for a while: published outbox rows, processed-event ids. Every order
 * instance runs retention; SKIP LOCKED gives each its own batch instead of three waiting on (or
 * deadlocking over) the same rows.
 */
import type pg from "pg";

export async function deletePublishedOutbox(pool: pg.Pool, before: number, limit: number): Promise<number> {
  const res = await pool.query(
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at < $1 ORDER BY published_at LIMIT $2 FOR UPDATE SKIP LOCKED)",
    [new Date(before), limit],
  );
  return res.rowCount ?? 0;
}

export async function deleteProcessedEvents(pool: pg.Pool, before: number, limit: number): Promise<number> {
  const res = await pool.query(
    `DELETE FROM processed_events WHERE (consumer, event_id) IN
       (SELECT consumer, event_id FROM processed_events WHERE processed_at < $1 ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [new Date(before), limit],
  );
  return res.rowCount ?? 0;
}

/** Deletes what is only kept for a while: published outbox rows, processed-event ids. */
import type pg from "pg";

export async function deletePublishedOutbox(pool: pg.Pool, before: number, limit: number): Promise<number> {
  const res = await pool.query(
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at < $1 ORDER BY published_at LIMIT $2)",
    [new Date(before), limit],
  );
  return res.rowCount ?? 0;
}

export async function deleteProcessedEvents(pool: pg.Pool, before: number, limit: number): Promise<number> {
  const res = await pool.query(
    `DELETE FROM processed_events WHERE (consumer, event_id) IN
       (SELECT consumer, event_id FROM processed_events WHERE processed_at < $1 ORDER BY processed_at LIMIT $2)`,
    [new Date(before), limit],
  );
  return res.rowCount ?? 0;
}

/**
 * Drop watchers ("tell me when it is back in stock"). A watch is one-shot: once a back-in-stock
 * notice went out it is marked notified, so a drop whose holds expire one by one does not flood
 * the buyer; watching again re-arms it.
 */
import type pg from "pg";
import type { Tx } from "@drops/db";

/** Starts (or re-arms) a watch. */
export async function watchDrop(pool: pg.Pool, dropId: string, buyerId: string, now: Date): Promise<void> {
  await pool.query(
    `INSERT INTO drop_watchers (drop_id, buyer_id, created_at) VALUES ($1, $2, $3)
     ON CONFLICT (drop_id, buyer_id) DO UPDATE SET notified_at = NULL`,
    [dropId, buyerId, now],
  );
}

/** True when a watch existed. */
export async function unwatchDrop(pool: pg.Pool, dropId: string, buyerId: string): Promise<boolean> {
  const res = await pool.query("DELETE FROM drop_watchers WHERE drop_id = $1 AND buyer_id = $2", [dropId, buyerId]);
  return res.rowCount === 1;
}

/** Takes the armed watchers of a drop (marks them notified) and returns their buyer ids. */
export async function takeArmedWatchers(tx: Tx, dropId: string, now: Date): Promise<string[]> {
  const res = await tx.query<{ buyer_id: string }>(
    `UPDATE drop_watchers SET notified_at = $2
     WHERE drop_id = $1 AND notified_at IS NULL
     RETURNING buyer_id`,
    [dropId, now],
  );
  return res.rows.map((r) => r.buyer_id).sort();
}

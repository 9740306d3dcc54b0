/**
 * Drop watchers ("tell me when it opens, and when it is back in stock"). The back-in-stock part of a
 * watch is one-shot: once a notice went out it is marked notified, so a drop whose units come back
 * again and again does not flood the buyer; watching again re-arms it. The opening-soon part goes out
 * once per watcher and drop (see workers/opening-soon.ts); watching again does not repeat it.
 */
import type pg from "pg";
import type { Tx } from "@drops/db";

/**
 * Starts (or re-arms) a watch. `startsAt` is the drop's start as the catalog has it (the gateway
 * passes it); null keeps what the watch had.
 */
export async function watchDrop(pool: pg.Pool, dropId: string, buyerId: string, startsAt: Date | null, now: Date): Promise<void> {
  await pool.query(
    `INSERT INTO drop_watchers (drop_id, buyer_id, created_at, starts_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (drop_id, buyer_id) DO UPDATE SET notified_at = NULL, starts_at = COALESCE(EXCLUDED.starts_at, drop_watchers.starts_at)`,
    [dropId, buyerId, now, startsAt],
  );
}

/** True when the buyer watches the drop. */
export async function isWatching(pool: pg.Pool, dropId: string, buyerId: string): Promise<boolean> {
  const res = await pool.query("SELECT 1 FROM drop_watchers WHERE drop_id = $1 AND buyer_id = $2", [dropId, buyerId]);
  return res.rowCount === 1;
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

export type DueOpening = { dropId: string; buyerId: string; startsAt: Date };

/**
 * Takes up to `limit` watches whose drop starts in (after, until] and whose opening-soon notice has
 * not gone out, and marks them sent (`now`) in the caller's transaction. FOR UPDATE SKIP LOCKED: two
 * workers never take the same watch, and neither waits for the other.
 */
export async function takeDueOpenings(tx: Tx, window: { after: Date; until: Date }, limit: number, now: Date): Promise<DueOpening[]> {
  const res = await tx.query<{ drop_id: string; buyer_id: string; starts_at: Date }>(
    `WITH due AS (
       SELECT drop_id, buyer_id FROM drop_watchers
       WHERE opening_notified_at IS NULL AND starts_at IS NOT NULL AND starts_at > $1 AND starts_at <= $2
       ORDER BY starts_at
       LIMIT $3
       FOR UPDATE SKIP LOCKED)
     UPDATE drop_watchers w SET opening_notified_at = $4
     FROM due WHERE w.drop_id = due.drop_id AND w.buyer_id = due.buyer_id
     RETURNING w.drop_id, w.buyer_id, w.starts_at`,
    [window.after, window.until, limit, now],
  );
  return res.rows.map((r) => ({ dropId: r.drop_id, buyerId: r.buyer_id, startsAt: r.starts_at }));
}

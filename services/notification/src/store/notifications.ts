/**
 * Notification rows: stored inside a consumer's transaction (pg), and their API shape (dates as ISO
 * strings, readAt null while unread), which the read API, the live push and the streams share.
 */
import type { Tx } from "@drops/db";
import type { Draft } from "../domain/notification.ts";

export type NotificationRow = {
  id: string;
  buyerId: string;
  orderId: string | null;
  dropId: string | null;
  kind: string;
  title: string;
  body: string;
  createdAt: Date;
  readAt: Date | null;
};

export type NotificationView = Omit<NotificationRow, "createdAt" | "readAt"> & { createdAt: string; readAt: string | null };

/** Picks the API fields (a Prisma row carries more, e.g. source_event_id). */
export function notificationView(r: NotificationRow): NotificationView {
  return {
    id: r.id,
    buyerId: r.buyerId,
    orderId: r.orderId,
    dropId: r.dropId,
    kind: r.kind,
    title: r.title,
    body: r.body,
    createdAt: r.createdAt.toISOString(),
    readAt: r.readAt === null ? null : r.readAt.toISOString(),
  };
}

export type NewNotification = Draft & { id: string; sourceEventId: string; createdAt: Date };

type Row = {
  id: string;
  buyer_id: string;
  order_id: string | null;
  drop_id: string | null;
  kind: string;
  title: string;
  body: string;
  created_at: Date;
  read_at: Date | null;
};

function fromRow(r: Row): NotificationRow {
  return {
    id: r.id, buyerId: r.buyer_id, orderId: r.order_id, dropId: r.drop_id,
    kind: r.kind, title: r.title, body: r.body, createdAt: r.created_at, readAt: r.read_at,
  };
}

/**
 * Inserts each notification unless one already exists for its (source event, buyer), and returns
 * the rows actually inserted (a redelivered event inserts and returns nothing).
 */
export async function insertNotifications(tx: Tx, items: readonly NewNotification[]): Promise<NotificationRow[]> {
  const inserted: NotificationRow[] = [];
  for (const n of items) {
    const res = await tx.query<Row>(
      `INSERT INTO notifications (id, buyer_id, order_id, drop_id, kind, title, body, source_event_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (source_event_id, buyer_id) DO NOTHING
       RETURNING id, buyer_id, order_id, drop_id, kind, title, body, created_at, read_at`,
      [n.id, n.buyerId, n.orderId, n.dropId, n.kind, n.title, n.body, n.sourceEventId, n.createdAt],
    );
    const row = res.rows[0];
    if (row !== undefined) inserted.push(fromRow(row));
  }
  return inserted;
}

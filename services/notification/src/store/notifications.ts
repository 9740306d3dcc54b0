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
const COLUMNS = "id, buyer_id, order_id, drop_id, kind, title, body, source_event_id, created_at";
const RETURNED = "id, buyer_id, order_id, drop_id, kind, title, body, created_at, read_at";

/** `(... $n::type ...)` tuples of `items` for one multi-row statement, parameters from `offset` + 1. */
function valuesOf(items: readonly NewNotification[], offset: number): { tuples: string; params: unknown[] } {
  const params: unknown[] = [];
  const tuples = items.map((n, i) => {
    params.push(n.id, n.buyerId, n.orderId, n.dropId, n.kind, n.title, n.body, n.sourceEventId, n.createdAt);
    const b = offset + i * 9;
    return `($${b + 1}::uuid, $${b + 2}::text, $${b + 3}::text, $${b + 4}::text, $${b + 5}::text, $${b + 6}::text, $${b + 7}::text, $${b + 8}::text, $${b + 9}::timestamptz)`;
  });
  return { tuples: tuples.join(", "), params };
}

/** Inserts `items` in one statement (each at most once per (event, buyer)); returns the rows inserted. */
export async function insertNotifications(tx: Tx, items: readonly NewNotification[]): Promise<NotificationRow[]> {
  if (items.length === 0) return [];
  const { tuples, params } = valuesOf(items, 0);
  const res = await tx.query<Row>(
    `INSERT INTO notifications (${COLUMNS}) VALUES ${tuples}
     ON CONFLICT (source_event_id, buyer_id) DO NOTHING
     RETURNING ${RETURNED}`,
    params,
  );
  return res.rows.map(fromRow);
}

/**
 * The event id recorded for the consumer and `items` inserted, in ONE statement (so one round trip,
 * atomic without BEGIN/COMMIT): nothing is inserted when the event id was already recorded. A
 * concurrent delivery of the same event waits on the processed-events key and then inserts nothing.
 */
export async function insertNotificationsOnce(q: Pick<Tx, "query">, consumer: string, eventId: string, items: readonly NewNotification[]): Promise<NotificationRow[]> {
  if (items.length === 0) {
    await q.query("INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [consumer, eventId]);
    return [];
  }
  const { tuples, params } = valuesOf(items, 2);
  const res = await q.query<Row>(
    `WITH processed AS (
       INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1)
     INSERT INTO notifications (${COLUMNS})
     SELECT v.* FROM (VALUES ${tuples}) AS v (${COLUMNS}) WHERE EXISTS (SELECT 1 FROM processed)
     ON CONFLICT (source_event_id, buyer_id) DO NOTHING
     RETURNING ${RETURNED}`,
    [consumer, eventId, ...params],
  );
  return res.rows.map(fromRow);
}

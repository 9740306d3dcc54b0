/** The API shape of a notification (dates as ISO strings, readAt null while unread). */
export type NotificationView = {
  id: string;
  buyerId: string;
  orderId: string | null;
  dropId: string | null;
  kind: string;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
};

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

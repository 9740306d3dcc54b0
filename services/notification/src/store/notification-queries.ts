/** Read side of the notification API, through Prisma: a buyer's notifications newest first, mark read. */
import type { PrismaClient } from "../generated/prisma/client.ts";
import { notificationView, type NotificationView } from "./notifications.ts";

export type NotificationQueries = {
  byBuyer(buyerId: string, page: { skip: number; take: number; unreadOnly: boolean }): Promise<{ items: NotificationView[]; total: number }>;
  /** Marks the buyer's notification read (keeps the first readAt); null when it is not the buyer's. */
  markRead(id: string, buyerId: string, now: Date): Promise<NotificationView | null>;
};

export function createNotificationQueries(prisma: PrismaClient): NotificationQueries {
  return {
    async byBuyer(buyerId, page) {
      const where = { buyerId, ...(page.unreadOnly ? { readAt: null } : {}) };
      const [rows, total] = await Promise.all([
        prisma.notification.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: page.skip, take: page.take }),
        prisma.notification.count({ where }),
      ]);
      return { items: rows.map(notificationView), total };
    },
    async markRead(id, buyerId, now) {
      await prisma.notification.updateMany({ where: { id, buyerId, readAt: null }, data: { readAt: now } });
      const row = await prisma.notification.findFirst({ where: { id, buyerId } });
      return row === null ? null : notificationView(row);
    },
  };
}

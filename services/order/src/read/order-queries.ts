/** Read side of the order API, through Prisma: one order, a buyer's orders newest first. */
import type { PrismaClient } from "../generated/prisma/client.ts";
import { orderView } from "./order-view.ts";
import type { OrderView } from "./order-view.ts";

export type OrderQueries = {
  byId(orderId: string): Promise<OrderView | null>;
  byBuyer(buyerId: string, page: { skip: number; take: number; status?: string }): Promise<{ items: OrderView[]; total: number }>;
  /** Every buyer's orders (operators), optionally of one status, newest first. */
  all(page: { skip: number; take: number; status?: string }): Promise<{ items: OrderView[]; total: number }>;
};

export function createOrderQueries(prisma: PrismaClient): OrderQueries {
  async function list(where: { buyerId?: string; status?: string }, page: { skip: number; take: number }): Promise<{ items: OrderView[]; total: number }> {
    const [rows, total] = await Promise.all([
      prisma.order.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: page.skip, take: page.take }),
      prisma.order.count({ where }),
    ]);
    return { items: rows.map(orderView), total };
  }
  return {
    async byId(orderId) {
      const o = await prisma.order.findUnique({ where: { id: orderId } });
      return o === null ? null : orderView(o);
    },
    byBuyer: (buyerId, page) => list({ buyerId, ...(page.status !== undefined ? { status: page.status } : {}) }, page),
    all: (page) => list(page.status !== undefined ? { status: page.status } : {}, page),
  };
}

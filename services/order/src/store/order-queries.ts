/** Read side of the order API, through Prisma: one order, a buyer's orders newest first, in their JSON shape. */
import type { OrderLine } from "../domain/order.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { linesFromJson } from "./orders.ts";

/**
 * The JSON shape of an order in the order service's API. A cart order: `dropId` null and `lines`
 * (unit prices in cents); a drop order: its dropId and no `lines` key (the answer as before carts).
 */
export type OrderView = {
  orderId: string;
  dropId: string | null;
  buyerId: string;
  quantity: number;
  amountCents: number;
  currency: string;
  status: string;
  holdExpiresAt: string;
  cancelReason: string | null;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
  lines?: OrderLine[];
};

export type OrderRecord = {
  id: string;
  dropId: string;
  buyerId: string;
  quantity: number;
  amountCents: bigint | number;
  currency: string;
  status: string;
  holdExpiresAt: Date | number;
  cancelReason: string | null;
  failureReason: string | null;
  createdAt: Date | number;
  updatedAt: Date | number;
  /** JSONB: a cart order's lines; null (or absent) for a drop order. */
  lines?: unknown;
};

const iso = (d: Date | number): string => new Date(d).toISOString();

export function orderView(o: OrderRecord): OrderView {
  const lines = linesFromJson(o.id, o.lines);
  const view: OrderView = {
    orderId: o.id,
    dropId: lines === null ? o.dropId : null,
    buyerId: o.buyerId,
    quantity: o.quantity,
    amountCents: Number(o.amountCents),
    currency: o.currency,
    status: o.status,
    holdExpiresAt: iso(o.holdExpiresAt),
    cancelReason: o.cancelReason,
    failureReason: o.failureReason,
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
  };
  if (lines !== null) view.lines = lines;
  return view;
}

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

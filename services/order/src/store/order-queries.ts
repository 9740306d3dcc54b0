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

/** A page of orders; `status`: only orders in one of these statuses (the gateway maps a public status to several). */
export type OrderPage = { skip: number; take: number; status?: readonly string[] };

/** One drop's orders by status: how many, their units and amounts (cents). */
export type DropSales = { dropId: string; byStatus: Record<string, { orders: number; units: number; amountCents: number }> };

export type OrderQueries = {
  byId(orderId: string): Promise<OrderView | null>;
  byBuyer(buyerId: string, page: OrderPage): Promise<{ items: OrderView[]; total: number }>;
  /** Every buyer's orders (operators), optionally of some statuses, newest first. */
  all(page: OrderPage): Promise<{ items: OrderView[]; total: number }>;
  /** A drop's orders counted per status (index orders_drop_id_status_idx): a seller's sales view. */
  dropSales(dropId: string): Promise<DropSales>;
};

export function createOrderQueries(prisma: PrismaClient): OrderQueries {
  async function list(buyerId: string | undefined, page: OrderPage): Promise<{ items: OrderView[]; total: number }> {
    const where = { ...(buyerId !== undefined ? { buyerId } : {}), ...(page.status !== undefined ? { status: { in: [...page.status] } } : {}) };
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
    byBuyer: (buyerId, page) => list(buyerId, page),
    all: (page) => list(undefined, page),
    async dropSales(dropId) {
      const groups = await prisma.order.groupBy({ by: ["status"], where: { dropId }, _count: { _all: true }, _sum: { quantity: true, amountCents: true } });
      const byStatus: DropSales["byStatus"] = {};
      for (const g of groups) {
        byStatus[g.status] = { orders: g._count._all, units: g._sum.quantity ?? 0, amountCents: Number(g._sum.amountCents ?? 0) };
      }
      return { dropId, byStatus };
    },
  };
}

/**
 * The order service's own HTTP API (the gateway authenticates and passes the buyer in a signed internal assertion):
 *   GET  /orders/:orderId          the buyer's order (404 for anyone else's)
 *   GET  /orders?buyerId=&page=&pageSize=&status=   the buyer's orders, newest first, {items, total}
 *        (status: one status or several, comma-separated: `held,payment_pending,paid`)
 *   POST /orders/:orderId/cancel   cancel (before payment) or refund (after): {orderId, status}
 */
import type { FastifyInstance } from "fastify";
import { AppError, UUID_SCHEMA, badRequest, callerOf, conflict, forbidden, notFound } from "@drops/http";
import { ORDER_STATUSES } from "../domain/order.ts";
import type { Rejection } from "../domain/saga.ts";
import type { OrderQueries } from "../store/order-queries.ts";
import type { CommandResult } from "../store/saga-step.ts";

export const ORDER_PARAMS = { type: "object", properties: { orderId: UUID_SCHEMA }, required: ["orderId"] } as const;

export const PAGE_SCHEMA = {
  page: { type: "integer", minimum: 1, maximum: 100_000, default: 1 },
  pageSize: { type: "integer", minimum: 1, maximum: 100, default: 20 },
} as const;

const STATUS = `(${ORDER_STATUSES.join("|")})`;

/** `?status=`: one order status, or several comma-separated (any of them matches). */
export const STATUS_FILTER_SCHEMA = {
  type: "string", maxLength: 200, pattern: `^${STATUS}(,${STATUS})*$`,
  description: "one status, or several comma-separated (any matches)",
} as const;

/** The statuses of a validated `?status=` (none: no filter). */
export function statusFilter(status: string | undefined): { status?: readonly string[] } {
  return status === undefined ? {} : { status: [...new Set(status.split(","))] };
}

/** skip/take of a validated page query; refuses what the schema's coercion let through (e.g. 1e309). */
export function pageOf(q: { page: number; pageSize: number }): { skip: number; take: number } {
  const ok = (n: number, max: number): boolean => Number.isSafeInteger(n) && n >= 1 && n <= max;
  if (!ok(q.page, 100_000)) throw badRequest("page must be an integer from 1 to 100000", "VALIDATION_FAILED", { field: "page" });
  if (!ok(q.pageSize, 100)) throw badRequest("pageSize must be an integer from 1 to 100", "VALIDATION_FAILED", { field: "pageSize" });
  return { skip: (q.page - 1) * q.pageSize, take: q.pageSize };
}

/** A refused cancel or refund retry: 404 ORDER_NOT_FOUND, or 409 with the saga's code. */
export function rejectionError(r: Rejection): AppError {
  return r.code === "NOT_FOUND" ? notFound(r.message, "ORDER_NOT_FOUND") : conflict(r.message, r.code);
}

export type OrderRoutesOptions = {
  queries: OrderQueries;
  cancel: (orderId: string, buyerId: string) => Promise<CommandResult>;
};

export async function orderRoutes(app: FastifyInstance, opts: OrderRoutesOptions): Promise<void> {
  app.get<{ Params: { orderId: string } }>("/orders/:orderId", { schema: { params: ORDER_PARAMS } }, async (req) => {
    const { userId } = callerOf(req);
    const order = await opts.queries.byId(req.params.orderId);
    if (order === null || order.buyerId !== userId) throw notFound("order not found", "ORDER_NOT_FOUND");
    return order;
  });

  app.get<{ Querystring: { buyerId?: string; page: number; pageSize: number; status?: string } }>(
    "/orders",
    {
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            buyerId: UUID_SCHEMA,
            ...PAGE_SCHEMA,
            status: STATUS_FILTER_SCHEMA,
          },
        },
      },
    },
    async (req) => {
      const { userId } = callerOf(req);
      const buyerId = req.query.buyerId ?? userId;
      if (buyerId !== userId) throw forbidden("a buyer sees only their own orders");
      const { skip, take } = pageOf(req.query);
      return opts.queries.byBuyer(buyerId, { skip, take, ...statusFilter(req.query.status) });
    },
  );

  app.post<{ Params: { orderId: string } }>("/orders/:orderId/cancel", { schema: { params: ORDER_PARAMS } }, async (req) => {
    const { userId } = callerOf(req);
    const result = await opts.cancel(req.params.orderId, userId);
    if (!result.ok) throw rejectionError(result.rejection);
    return { orderId: result.orderId, status: result.status };
  });
}

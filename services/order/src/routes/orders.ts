/**
 * The order service's own HTTP API (the gateway authenticates and passes the buyer id in x-user-id):
 *   GET  /orders/:orderId          the buyer's order (404 for anyone else's)
 *   GET  /orders?buyerId=&page=&pageSize=&status=   the buyer's orders, newest first, {items, total}
 *   POST /orders/:orderId/cancel   cancel (before payment) or refund (after): {orderId, status}
 */
import type { FastifyInstance } from "fastify";
import { conflict, forbidden, notFound } from "@drops/http";
import { ORDER_STATUSES } from "../domain/order.ts";
import type { OrderQueries } from "../read/order-queries.ts";
import type { CancelResult } from "../saga/cancel-order.ts";
import { ID_SCHEMA as ID, PAGE_SCHEMA, pageOf, userOf } from "./caller.ts";
import { withDatabase } from "./database-down.ts";

export type OrderRoutesOptions = {
  queries: OrderQueries;
  cancel: (orderId: string, buyerId: string) => Promise<CancelResult>;
};

export async function orderRoutes(app: FastifyInstance, opts: OrderRoutesOptions): Promise<void> {
  app.get<{ Params: { orderId: string } }>(
    "/orders/:orderId",
    { schema: { params: { type: "object", properties: { orderId: ID }, required: ["orderId"] } } },
    async (req) => {
      const user = userOf(req);
      const order = await withDatabase(() => opts.queries.byId(req.params.orderId));
      if (order === null || order.buyerId !== user) throw notFound("order not found", "ORDER_NOT_FOUND");
      return order;
    },
  );

  app.get<{ Querystring: { buyerId?: string; page: number; pageSize: number; status?: string } }>(
    "/orders",
    {
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            buyerId: ID,
            ...PAGE_SCHEMA,
            status: { type: "string", enum: [...ORDER_STATUSES] },
          },
        },
      },
    },
    async (req) => {
      const user = userOf(req);
      const buyerId = req.query.buyerId ?? user;
      if (buyerId !== user) throw forbidden("a buyer sees only their own orders");
      const { skip, take } = pageOf(req.query);
      const { status } = req.query;
      return withDatabase(() => opts.queries.byBuyer(buyerId, { skip, take, ...(status !== undefined ? { status } : {}) }));
    },
  );

  app.post<{ Params: { orderId: string } }>(
    "/orders/:orderId/cancel",
    { schema: { params: { type: "object", properties: { orderId: ID }, required: ["orderId"] } } },
    async (req) => {
      const user = userOf(req);
      const result = await withDatabase(() => opts.cancel(req.params.orderId, user));
      if (!result.ok) {
        if (result.rejection.code === "NOT_FOUND") throw notFound(result.rejection.message, "ORDER_NOT_FOUND");
        throw conflict(result.rejection.message, "NOT_CANCELLABLE");
      }
      return { orderId: result.orderId, status: result.status };
    },
  );
}

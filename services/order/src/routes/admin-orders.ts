/**
 * Operator routes (x-user-roles must include admin):
 *   GET  /admin/orders?status=&page=&pageSize=     every buyer's orders, newest first (status=failed: what needs a hand)
 *   POST /admin/orders/:orderId/retry-refund       a failed order's refund requested again -> {orderId, status: "refunded"}
 */
import type { FastifyInstance } from "fastify";
import { conflict, notFound } from "@drops/http";
import { ORDER_STATUSES } from "../domain/order.ts";
import type { OrderQueries } from "../read/order-queries.ts";
import type { RetryResult } from "../saga/retry-refund.ts";
import { ID_SCHEMA, PAGE_SCHEMA, adminOf, pageOf } from "./caller.ts";
import { withDatabase } from "./database-down.ts";

export type AdminOrderRoutesOptions = { queries: OrderQueries; retryRefund: (orderId: string) => Promise<RetryResult> };

export async function adminOrderRoutes(app: FastifyInstance, opts: AdminOrderRoutesOptions): Promise<void> {
  app.get<{ Querystring: { page: number; pageSize: number; status?: string } }>(
    "/admin/orders",
    {
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            ...PAGE_SCHEMA,
            status: { type: "string", enum: [...ORDER_STATUSES] },
          },
        },
      },
    },
    async (req) => {
      adminOf(req);
      const { skip, take } = pageOf(req.query);
      const { status } = req.query;
      return withDatabase(() => opts.queries.all({ skip, take, ...(status !== undefined ? { status } : {}) }));
    },
  );

  app.post<{ Params: { orderId: string } }>(
    "/admin/orders/:orderId/retry-refund",
    { schema: { params: { type: "object", properties: { orderId: ID_SCHEMA }, required: ["orderId"] } } },
    async (req) => {
      adminOf(req);
      const result = await withDatabase(() => opts.retryRefund(req.params.orderId));
      if (!result.ok) {
        if (result.rejection.code === "NOT_FOUND") throw notFound(result.rejection.message, "ORDER_NOT_FOUND");
        throw conflict(result.rejection.message, "NOT_RETRYABLE");
      }
      return { orderId: result.orderId, status: result.status };
    },
  );
}

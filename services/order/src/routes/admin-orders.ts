/**
 * Operator routes (the asserted caller's roles must include admin):
 *   GET  /admin/orders?status=&page=&pageSize=     every buyer's orders, newest first (status=failed: what needs a hand;
 *                                                  several statuses comma-separated)
 *   POST /admin/orders/:orderId/retry-refund       a failed order's refund requested again -> {orderId, status: "refunded"}
 */
import type { FastifyInstance } from "fastify";
import { adminOf } from "@drops/http";
import type { OrderQueries } from "../store/order-queries.ts";
import type { CommandResult } from "../store/saga-step.ts";
import { ORDER_PARAMS, PAGE_SCHEMA, STATUS_FILTER_SCHEMA, pageOf, rejectionError, statusFilter } from "./orders.ts";

export type AdminOrderRoutesOptions = { queries: OrderQueries; retryRefund: (orderId: string) => Promise<CommandResult> };

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
            status: STATUS_FILTER_SCHEMA,
          },
        },
      },
    },
    async (req) => {
      adminOf(req);
      const { skip, take } = pageOf(req.query);
      return opts.queries.all({ skip, take, ...statusFilter(req.query.status) });
    },
  );

  app.post<{ Params: { orderId: string } }>("/admin/orders/:orderId/retry-refund", { schema: { params: ORDER_PARAMS } }, async (req) => {
    adminOf(req);
    const result = await opts.retryRefund(req.params.orderId);
    if (!result.ok) throw rejectionError(result.rejection);
    return { orderId: result.orderId, status: result.status };
  });
}

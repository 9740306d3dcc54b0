import type { FastifyInstance } from "fastify";
import type { ServiceClient } from "@drops/http";
import type { TokenSigner } from "../domain/jwt.ts";
import { authorize } from "./authenticate.ts";
import { adminOrderAnswer, adminOrderListQuery, retryRefundAnswer } from "./order-schemas.ts";
import { bearer, errors, idParams, listOf } from "./schemas.ts";

/**
 * Operators' orders (admin), over the order service's admin routes:
 * - GET  /api/admin/orders?status=&page=&pageSize=: every buyer's orders, newest first, with the
 *   saga's own status and the raw reasons (`status=failed`: refunds that failed after every retry).
 * - POST /api/admin/orders/:orderId/retry-refund: a failed order's refund asked for again ->
 *   {orderId, status}; 409 NOT_RETRYABLE for an order that is not failed, 404 ORDER_NOT_FOUND.
 */
export async function adminOrderRoutes(app: FastifyInstance, { tokens, orders }: { tokens: TokenSigner; orders: ServiceClient }): Promise<void> {
  app.get<{ Querystring: Record<string, string | number | undefined> }>(
    "/api/admin/orders",
    { schema: { tags: ["admin"], summary: "Every buyer's orders (status=failed: what needs a hand)", security: bearer, querystring: adminOrderListQuery, response: { 200: listOf(adminOrderAnswer), ...errors(400, 401, 403, 503) } } },
    async (request) => {
      const caller = authorize(request, tokens, "admin");
      return orders.call({ method: "GET", path: "/admin/orders", query: request.query, caller, requestId: request.id });
    },
  );

  app.post<{ Params: { orderId: string } }>(
    "/api/admin/orders/:orderId/retry-refund",
    { schema: { tags: ["admin"], summary: "Retry a failed order's refund", security: bearer, params: idParams("orderId"), response: { 200: retryRefundAnswer, ...errors(400, 401, 403, 404, 409, 503) } } },
    async (request) => {
      const caller = authorize(request, tokens, "admin");
      return orders.call({ method: "POST", path: `/admin/orders/${request.params.orderId}/retry-refund`, caller, requestId: request.id });
    },
  );
}

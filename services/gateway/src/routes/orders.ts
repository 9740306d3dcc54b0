import type { FastifyInstance } from "fastify";
import { AppError, conflict } from "@drops/http";
import { authenticate } from "../auth/authenticate.ts";
import type { TokenSigner } from "../auth/jwt.ts";
import type { ServiceClient } from "../http/service-client.ts";
import type { PendingPurchase, PendingPurchases } from "../purchase/pending.ts";
import { cancelAnswer, orderAnswer, orderListQuery } from "../order-schemas.ts";
import { bearer, errors, idParams, listOf } from "../schemas.ts";

export type OrderRouteDeps = { tokens: TokenSigner; orders: ServiceClient; pending: PendingPurchases };

const isNotFound = (err: unknown): err is AppError => err instanceof AppError && err.statusCode === 404;

type OrderBody = { status: string; [k: string]: unknown };

/**
 * The buyer-facing status is the BRIEF's (held, confirmed, cancelled, expired, refunded, and the
 * operator-visible failed): the saga's payment steps in progress are still "held" to the buyer.
 * `stage` keeps the saga's own step for support and the curious.
 */
const PUBLIC_STATUS: Readonly<Record<string, string>> = { payment_pending: "held", paid: "held" };
export function publicOrder<T extends OrderBody>(o: T): T & { stage: string } {
  return { ...o, status: PUBLIC_STATUS[o.status] ?? o.status, stage: o.status };
}

/**
 * My orders, forwarded to the order service with the verified buyer in x-user-id. Right after a
 * purchase the saga may not have created the order row yet (it does within milliseconds): a 404 for
 * an order this buyer holds (the gateway's pending-purchase key) answers the hold instead.
 */
export async function orderRoutes(app: FastifyInstance, { tokens, orders, pending }: OrderRouteDeps): Promise<void> {
  const heldByCaller = async (orderId: string, userId: string): Promise<PendingPurchase | null> => {
    const p = await pending.find(orderId).catch(() => null);
    return p !== null && p.buyerId === userId ? p : null;
  };

  app.get<{ Params: { orderId: string } }>(
    "/api/orders/:orderId",
    { schema: { tags: ["orders"], summary: "One of my orders", security: bearer, params: idParams("orderId"), response: { 200: orderAnswer, ...errors(400, 401, 404, 503) } } },
    async (request) => {
      const principal = authenticate(request, tokens);
      const { orderId } = request.params;
      try {
        return publicOrder(await orders.call<OrderBody>({ method: "GET", path: `/orders/${orderId}`, principal, requestId: request.id }));
      } catch (err) {
        if (!isNotFound(err)) throw err;
        const p = await heldByCaller(orderId, principal.userId);
        if (!p) throw err;
        return { orderId, dropId: p.dropId, quantity: p.quantity, status: "held", stage: "placing", holdExpiresAt: new Date(p.holdExpiresAtMs).toISOString() };
      }
    },
  );

  app.get<{ Querystring: Record<string, string | number | undefined> }>(
    "/api/orders",
    { schema: { tags: ["orders"], summary: "My orders, newest first", security: bearer, querystring: orderListQuery, response: { 200: listOf(orderAnswer), ...errors(400, 401, 503) } } },
    async (request) => {
      const list = await orders.call<{ items: OrderBody[]; total: number }>({ method: "GET", path: "/orders", query: request.query, principal: authenticate(request, tokens), requestId: request.id });
      return { ...list, items: list.items.map(publicOrder) };
    },
  );

  app.post<{ Params: { orderId: string } }>(
    "/api/orders/:orderId/cancel",
    { schema: { tags: ["orders"], summary: "Cancel my order (refunded when paid)", security: bearer, params: idParams("orderId"), response: { 200: cancelAnswer, ...errors(400, 401, 404, 409, 503) } } },
    async (request) => {
      const principal = authenticate(request, tokens);
      const { orderId } = request.params;
      try {
        return await orders.call({ method: "POST", path: `/orders/${orderId}/cancel`, principal, requestId: request.id });
      } catch (err) {
        if (isNotFound(err) && (await heldByCaller(orderId, principal.userId))) {
          throw conflict("the order is still being placed; retry in a moment", "ORDER_PENDING");
        }
        throw err;
      }
    },
  );
}

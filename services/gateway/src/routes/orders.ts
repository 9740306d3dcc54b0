import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { AppError, conflict, type ServiceClient } from "@drops/http";
import type { TokenSigner } from "../domain/jwt.ts";
import { buyerReasons, internalStatusFilter } from "../domain/order-reasons.ts";
import { placingOrder, publicOrder as publicStatus, type OrderBody } from "../domain/order-status.ts";
import { NO_NAMES, idsToName, withNames } from "../domain/order-names.ts";
import type { PendingPurchase, PendingPurchases } from "../store/pending-purchases.ts";
import type { NameSource } from "../store/names.ts";
import { authenticate } from "./authenticate.ts";
import { cancelAnswer, orderAnswer, orderListQuery } from "./order-schemas.ts";
import { bearer, errors, idParams, listOf } from "./schemas.ts";

export type OrderRouteDeps = {
  tokens: TokenSigner; orders: ServiceClient; pending: PendingPurchases;
  /** Display names of a page's drops and products (app.ts: the catalog's GET /names); left out: names are null. */
  names?: NameSource;
};

const noNames: NameSource = async () => NO_NAMES;

/** The buyer's view: the public status (with the saga's stage) and plain reasons, not the raw ones. */
const publicOrder = (o: OrderBody) => buyerReasons(publicStatus(o));

const isNotFound = (err: unknown): err is AppError => err instanceof AppError && err.statusCode === 404;

/**
 * My orders, forwarded to the order service with the verified buyer in x-user-id. Right after a
 * purchase the saga may not have created the order row yet (it does within milliseconds): a 404 for
 * an order this buyer holds (the gateway's pending-purchase key) answers the hold instead. Buyers see
 * public statuses (`?status=held` also matches the saga's payment steps) and a plain `reason`, and
 * what they bought by name (`name` of a drop order, `lines[].name` of a cart order: one catalog call
 * per answer, see store/names.ts).
 */
export async function orderRoutes(app: FastifyInstance, { tokens, orders, pending, names = noNames }: OrderRouteDeps): Promise<void> {
  const named = async <T extends Record<string, unknown>>(list: T[], requestId: string, log: FastifyBaseLogger) => {
    const found = await names(idsToName(list), requestId, log);
    return list.map((o) => withNames(o, found));
  };

  const heldByCaller = async (orderId: string, userId: string): Promise<PendingPurchase | null> => {
    const p = await pending.find(orderId).catch(() => null);
    return p !== null && p.buyerId === userId ? p : null;
  };

  app.get<{ Params: { orderId: string } }>(
    "/api/orders/:orderId",
    { schema: { tags: ["orders"], summary: "One of my orders", security: bearer, params: idParams("orderId"), response: { 200: orderAnswer, ...errors(400, 401, 404, 503) } } },
    async (request) => {
      const caller = authenticate(request, tokens);
      const { orderId } = request.params;
      let order: Record<string, unknown>;
      try {
        order = publicOrder(await orders.call<OrderBody>({ method: "GET", path: `/orders/${orderId}`, caller, requestId: request.id }));
      } catch (err) {
        if (!isNotFound(err)) throw err;
        const p = await heldByCaller(orderId, caller.userId);
        if (!p) throw err;
        order = placingOrder(p);
      }
      return (await named([order], request.id, request.log))[0];
    },
  );

  app.get<{ Querystring: Record<string, string | number | undefined> }>(
    "/api/orders",
    { schema: { tags: ["orders"], summary: "My orders, newest first", security: bearer, querystring: orderListQuery, response: { 200: listOf(orderAnswer), ...errors(400, 401, 503) } } },
    async (request) => {
      const { status, ...rest } = request.query;
      const query = { ...rest, ...(typeof status === "string" ? { status: internalStatusFilter(status) } : {}) };
      const list = await orders.call<{ items: OrderBody[]; total: number }>({ method: "GET", path: "/orders", query, caller: authenticate(request, tokens), requestId: request.id });
      return { ...list, items: await named(list.items.map(publicOrder), request.id, request.log) };
    },
  );

  app.post<{ Params: { orderId: string } }>(
    "/api/orders/:orderId/cancel",
    { schema: { tags: ["orders"], summary: "Cancel my order (refunded when paid)", security: bearer, params: idParams("orderId"), response: { 200: cancelAnswer, ...errors(400, 401, 404, 409, 503) } } },
    async (request) => {
      const caller = authenticate(request, tokens);
      const { orderId } = request.params;
      try {
        return await orders.call({ method: "POST", path: `/orders/${orderId}/cancel`, caller, requestId: request.id });
      } catch (err) {
        if (isNotFound(err) && (await heldByCaller(orderId, caller.userId))) {
          throw conflict("the order is still being placed; retry in a moment", "ORDER_PENDING");
        }
        throw err;
      }
    },
  );
}

/**
 * GET /api/orders/:orderId/stream (its buyer; SSE): `event: order` with {orderId, status, stage}, the
 * first at once, then on every change until the order is final (confirmed, cancelled, expired,
 * refunded, failed), after which the stream ends. The access token may come as `?access_token=`
 * (EventSource cannot send headers); it is never logged.
 *
 * The push path is the notification service's: it PUBLISHes every stored order notification
 * (confirmed, cancelled, refunded, expired) on its live channel (LIVE_CHANNEL), which this instance
 * follows once (channel-hub.ts); a message for a followed order makes the stream read the order again
 * from the order service, so the final status arrives as soon as the buyer's notification does. The
 * saga's intermediate stages (payment_pending, paid: still "held" to the buyer) raise no
 * notification: the stream reads the order every ORDER_STREAM_POLL_MS as well, which also covers a
 * lost pub/sub message. Before the saga has written the order, the gateway's pending purchase answers
 * "held" (stage "placing"), as GET /api/orders/:orderId does.
 */
import type { FastifyInstance } from "fastify";
import { AppError, forbidden, type Caller, type ServiceClient, type SseRegistry } from "@drops/http";
import type { TokenSigner } from "../domain/jwt.ts";
import { placingOrder, publicOrder, type OrderBody } from "../domain/order-status.ts";
import { safeRequest } from "../domain/redact-url.ts";
import type { ChannelHub } from "../store/channel-hub.ts";
import type { PendingPurchases } from "../store/pending-purchases.ts";
import { streamCaller } from "./notifications.ts";
import { errors, bearer, idParams, strictObject } from "./schemas.ts";

export type OrderStreamDeps = { tokens: TokenSigner; orders: ServiceClient; pending: PendingPurchases; hub: ChannelHub; channel: string; sse: SseRegistry; pollMs: number };

export const FINAL_ORDER_STATUSES: ReadonlySet<string> = new Set(["confirmed", "cancelled", "expired", "refunded", "failed"]);

type OrderFrame = { orderId: string; status: string; stage: string };

const sseQuery = strictObject(
  { access_token: { type: "string", minLength: 1, maxLength: 4096, description: "the access token, for clients that cannot send Authorization (EventSource); never logged" } },
  [],
);

export async function orderStreamRoutes(app: FastifyInstance, d: OrderStreamDeps): Promise<void> {
  /** orderId -> the refreshers of its open streams. */
  const followed = new Map<string, Set<() => void>>();
  let unsubscribe: (() => void) | undefined;
  const onMessage = (message: string): void => {
    let orderId: unknown;
    try {
      orderId = (JSON.parse(message) as { orderId?: unknown }).orderId;
    } catch {
      return;
    }
    if (typeof orderId !== "string") return;
    for (const refresh of followed.get(orderId) ?? []) refresh();
  };

  const read = async (orderId: string, caller: Caller): Promise<OrderFrame> => {
    try {
      const o = publicOrder(await d.orders.call<OrderBody>({ method: "GET", path: `/orders/${orderId}`, caller }));
      return { orderId, status: o.status, stage: o.stage };
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode !== 404) throw err;
      const p = await d.pending.find(orderId).catch(() => null);
      if (p === null || p.buyerId !== caller.userId) throw err;
      const o = placingOrder(p);
      return { orderId, status: o.status, stage: o.stage };
    }
  };

  app.get<{ Params: { orderId: string }; Querystring: { access_token?: string } }>(
    "/api/orders/:orderId/stream",
    {
      logSerializers: { req: safeRequest as (req: unknown) => Record<string, unknown> },
      schema: {
        tags: ["orders"],
        summary: "One of my orders, live until it is final (server-sent events)",
        description: "text/event-stream: `event: order` with `{orderId, status, stage}`, the first at once, then on every change; the stream ends after a final status (confirmed, cancelled, expired, refunded, failed). The token may be sent as `?access_token=` (EventSource cannot send headers); it is never logged.",
        security: [...bearer, { accessTokenQuery: [] }],
        params: idParams("orderId"),
        querystring: sseQuery,
        response: errors(400, 401, 403, 404, 503),
      },
    },
    async (request, reply) => {
      const caller = streamCaller(request, d.tokens);
      if (!caller.roles.includes("buyer")) throw forbidden("buyer role required");
      const { orderId } = request.params;
      let last = await read(orderId, caller);
      let cleanup = (): void => {};
      const stream = d.sse.open(request, reply, () => cleanup());
      stream.send("order", last);
      if (stream.closed) return;
      if (FINAL_ORDER_STATUSES.has(last.status)) {
        stream.close();
        return;
      }
      let reading = false;
      let again = false;
      const refresh = (): void => {
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        void read(orderId, caller)
          .then((frame) => {
            if (stream.closed) return;
            if (frame.status !== last.status || frame.stage !== last.stage) {
              last = frame;
              stream.send("order", frame);
              if (FINAL_ORDER_STATUSES.has(frame.status)) stream.close();
            }
          })
          .catch((err: unknown) => request.log.warn({ err, orderId }, "order stream could not read the order; retrying"))
          .finally(() => {
            reading = false;
            if (again && !stream.closed) {
              again = false;
              refresh();
            }
          });
      };
      let set = followed.get(orderId);
      if (!set) followed.set(orderId, (set = new Set()));
      set.add(refresh);
      unsubscribe ??= d.hub.subscribe(d.channel, onMessage);
      const poll = setInterval(refresh, d.pollMs);
      poll.unref();
      cleanup = () => {
        clearInterval(poll);
        const s = followed.get(orderId);
        s?.delete(refresh);
        if (s?.size === 0) followed.delete(orderId);
        if (followed.size === 0 && unsubscribe) {
          unsubscribe();
          unsubscribe = undefined;
        }
      };
      // a change between the first read and the subscription
      refresh();
    },
  );
}

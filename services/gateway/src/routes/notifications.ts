/**
 * The buyer's notifications through the gateway (the notification service's list, mark-read and live
 * stream, with the verified caller in the signed internal assertion):
 *   GET  /api/notifications?page=&pageSize=&unread=   newest first, {items, total}
 *   POST /api/notifications/:id/read                  marks one read, answers it
 *   GET  /api/notifications/stream                    SSE: `event: notification` per new notification
 *
 * The stream takes the access token from `Authorization: Bearer` or, since a browser's EventSource
 * cannot send headers, from `?access_token=`, verified exactly like the header. The token is never
 * logged (every logged URL is redacted: domain/redact-url.ts) nor traced (@drops/telemetry redacts
 * the parameter from spans), and it is not sent upstream: the notification service gets the signed assertion.
 *
 * The stream is proxied as bytes, one upstream connection per open client stream: simple, and each
 * costs an idle socket and no CPU between notifications; the service fans out across its instances
 * over Redis already. A client that goes away closes its upstream connection; the upstream ending
 * (the service restarting) ends the client's stream, and the browser reconnects (`retry:`).
 */
import { pipeline } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { canonicalId, unauthorized, type Caller } from "@drops/http";
import type { TokenSigner } from "../domain/jwt.ts";
import { safeRequest } from "../domain/redact-url.ts";
import type { NotificationClient } from "../store/notifications.ts";
import { authenticate } from "./authenticate.ts";
import { bearer, errors, idParams, page, pageSize, strictObject } from "./schemas.ts";

export type NotificationRouteDeps = { tokens: TokenSigner; notifications: NotificationClient };

const nullableString = { type: ["string", "null"] } as const;
export const notificationAnswer = {
  type: "object",
  required: ["id", "kind", "title", "body", "createdAt", "readAt"],
  properties: {
    id: { type: "string", format: "uuid" },
    buyerId: { type: "string" },
    orderId: nullableString,
    dropId: nullableString,
    kind: { type: "string", enum: ["order_confirmed", "order_cancelled", "order_refunded", "order_expired", "back_in_stock", "drop_opening_soon"] },
    title: { type: "string" },
    body: { type: "string" },
    createdAt: { type: "string", format: "date-time" },
    readAt: { type: ["string", "null"], format: "date-time" },
  },
} as const;

const listQuery = strictObject({ page, pageSize, unread: { type: "boolean", default: false, description: "only unread ones" } }, []);
const streamQuery = strictObject(
  { access_token: { type: "string", minLength: 1, maxLength: 4096, description: "the access token, for clients that cannot send Authorization (EventSource); never logged" } },
  [],
);

/** The caller of a stream: the Authorization header when sent, else `?access_token=`, verified the same way. */
export function streamCaller(request: FastifyRequest<{ Querystring: { access_token?: string } }>, tokens: TokenSigner): Caller {
  if (request.headers.authorization !== undefined) return authenticate(request, tokens);
  const token = request.query.access_token;
  if (token === undefined) throw unauthorized("sign in: Authorization: Bearer <accessToken> or ?access_token= is required");
  const result = tokens.verify(token);
  if (result === "expired") throw unauthorized("the access token has expired; log in again", "TOKEN_EXPIRED");
  if (result === "invalid") throw unauthorized("the access token is not valid", "INVALID_TOKEN");
  return { userId: canonicalId(result.userId), roles: result.roles };
}

export async function notificationRoutes(app: FastifyInstance, { tokens, notifications }: NotificationRouteDeps): Promise<void> {
  const open = new Set<() => void>();
  // Open streams would hold the server's close forever: end them (and their upstreams) first.
  app.addHook("preClose", async () => {
    for (const end of [...open]) end();
  });

  app.get<{ Querystring: Record<string, string | number | boolean | undefined> }>(
    "/api/notifications",
    {
      schema: {
        tags: ["notifications"], summary: "My notifications, newest first", security: bearer, querystring: listQuery,
        response: { 200: { type: "object", required: ["items", "total"], properties: { items: { type: "array", items: notificationAnswer }, total: { type: "integer" } } }, ...errors(400, 401, 503) },
      },
    },
    async (request) => {
      const caller = authenticate(request, tokens);
      const query = Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, v === undefined ? undefined : String(v)]));
      return notifications.call({ method: "GET", path: "/notifications", query, caller, requestId: request.id });
    },
  );

  app.post<{ Params: { id: string } }>(
    "/api/notifications/:id/read",
    { schema: { tags: ["notifications"], summary: "Mark one of my notifications read", security: bearer, params: idParams("id"), response: { 200: notificationAnswer, ...errors(400, 401, 404, 503) } } },
    async (request) => {
      const caller = authenticate(request, tokens);
      return notifications.call({ method: "POST", path: `/notifications/${request.params.id}/read`, caller, requestId: request.id });
    },
  );

  app.get<{ Querystring: { access_token?: string } }>(
    "/api/notifications/stream",
    {
      // Belt and braces: the request serializer of this route redacts the token even without the app-wide one.
      logSerializers: { req: safeRequest as (req: unknown) => Record<string, unknown> },
      schema: {
        tags: ["notifications"],
        summary: "My notifications, live (server-sent events)",
        description:
          "text/event-stream: `retry:` and `: connected` at once, then `event: notification` (`id:` the notification id, `data:` the item) for each new one, and a comment heartbeat. No replay: after (re)connecting, list GET /api/notifications. The token may be sent as `?access_token=` (EventSource cannot send headers); it is never logged.",
        security: [...bearer, { accessTokenQuery: [] }],
        querystring: streamQuery,
        response: errors(400, 401, 503),
      },
    },
    async (request, reply) => {
      const caller = streamCaller(request, tokens);
      const upstream = await notifications.openStream(caller, request.id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
        "x-request-id": request.id,
      });
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        open.delete(end);
        upstream.close();
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      // Either side ending ends both: the client gone aborts the upstream request, the upstream done ends the client's.
      pipeline(upstream.body, res, () => end());
      res.on("close", end);
    },
  );
}

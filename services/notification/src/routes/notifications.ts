/**
 * The buyer's notifications (the gateway authenticates and passes the buyer in a signed internal assertion):
 *   GET  /notifications?page=&pageSize=&unread=   newest first, {items, total}
 *   POST /notifications/:id/read                  marks one read, answers it (404 for anyone else's)
 */
import type { FastifyInstance } from "fastify";
import { UUID_SCHEMA, callerOf, notFound } from "@drops/http";
import type { NotificationQueries } from "../store/notification-queries.ts";

export type NotificationRoutesOptions = { queries: NotificationQueries; now: () => number };

export async function notificationRoutes(app: FastifyInstance, opts: NotificationRoutesOptions): Promise<void> {
  app.get<{ Querystring: { page: number; pageSize: number; unread: boolean } }>(
    "/notifications",
    {
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            page: { type: "integer", minimum: 1, maximum: 100_000, default: 1 },
            pageSize: { type: "integer", minimum: 1, maximum: 100, default: 20 },
            unread: { type: "boolean", default: false },
          },
        },
      },
    },
    async (req) => {
      const { userId } = callerOf(req);
      const { page, pageSize, unread } = req.query;
      return opts.queries.byBuyer(userId, { skip: (page - 1) * pageSize, take: pageSize, unreadOnly: unread });
    },
  );

  app.post<{ Params: { id: string } }>(
    "/notifications/:id/read",
    { schema: { params: { type: "object", properties: { id: UUID_SCHEMA }, required: ["id"] } } },
    async (req) => {
      const { userId } = callerOf(req);
      const n = await opts.queries.markRead(req.params.id, userId, new Date(opts.now()));
      if (n === null) throw notFound("notification not found", "NOTIFICATION_NOT_FOUND");
      return n;
    },
  );
}

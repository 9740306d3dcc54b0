/**
 * Internal (service-to-service, not exposed by the gateway as is): who watches a drop.
 *   PUT    /internal/drops/:dropId/watchers/:buyerId   watch (or re-arm after a notice): 200; body
 *          {startsAt?} the drop's start as the catalog has it (for the opening-soon notice)
 *   GET    /internal/drops/:dropId/watchers/:buyerId   200 {dropId, buyerId, watching}, watching or not
 *   DELETE /internal/drops/:dropId/watchers/:buyerId   stop watching: 204, 404 when not watching
 */
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { UUID_SCHEMA, badRequest, notFound } from "@drops/http";
import { isWatching, unwatchDrop, watchDrop } from "../store/watchers.ts";

export type WatcherRoutesOptions = { pool: pg.Pool; now: () => number };

const watchBody = {
  type: "object",
  additionalProperties: false,
  properties: { startsAt: { type: "string", format: "date-time", maxLength: 40 } },
} as const;

const params = { type: "object", properties: { dropId: UUID_SCHEMA, buyerId: UUID_SCHEMA }, required: ["dropId", "buyerId"] } as const;

export async function watcherRoutes(app: FastifyInstance, opts: WatcherRoutesOptions): Promise<void> {
  app.put<{ Params: { dropId: string; buyerId: string }; Body: { startsAt?: string } | undefined }>(
    "/internal/drops/:dropId/watchers/:buyerId",
    { schema: { params, body: watchBody } },
    async (req) => {
      const { dropId, buyerId } = req.params;
      const startsAt = req.body?.startsAt === undefined ? null : new Date(req.body.startsAt);
      if (startsAt !== null && Number.isNaN(startsAt.getTime())) throw badRequest("startsAt must be a date-time", "VALIDATION_FAILED", { field: "startsAt" });
      await watchDrop(opts.pool, dropId, buyerId, startsAt, new Date(opts.now()));
      return { dropId, buyerId, watching: true, startsAt: startsAt?.toISOString() ?? null };
    },
  );

  app.get<{ Params: { dropId: string; buyerId: string } }>("/internal/drops/:dropId/watchers/:buyerId", { schema: { params } }, async (req) => {
    const { dropId, buyerId } = req.params;
    return { dropId, buyerId, watching: await isWatching(opts.pool, dropId, buyerId) };
  });

  app.delete<{ Params: { dropId: string; buyerId: string } }>("/internal/drops/:dropId/watchers/:buyerId", { schema: { params } }, async (req, reply) => {
    if (!(await unwatchDrop(opts.pool, req.params.dropId, req.params.buyerId))) throw notFound("not watching this drop", "WATCH_NOT_FOUND");
    return reply.code(204).send();
  });
}

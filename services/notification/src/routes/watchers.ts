/**
 * Internal (service-to-service, not exposed by the gateway as is): who watches a drop.
 *   PUT    /internal/drops/:dropId/watchers/:buyerId   watch (or re-arm after a notice): 200
 *   DELETE /internal/drops/:dropId/watchers/:buyerId   stop watching: 204, 404 when not watching
 */
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { UUID_SCHEMA, notFound } from "@drops/http";
import { unwatchDrop, watchDrop } from "../store/watchers.ts";

export type WatcherRoutesOptions = { pool: pg.Pool; now: () => number };

const params = { type: "object", properties: { dropId: UUID_SCHEMA, buyerId: UUID_SCHEMA }, required: ["dropId", "buyerId"] } as const;

export async function watcherRoutes(app: FastifyInstance, opts: WatcherRoutesOptions): Promise<void> {
  app.put<{ Params: { dropId: string; buyerId: string } }>("/internal/drops/:dropId/watchers/:buyerId", { schema: { params } }, async (req) => {
    const { dropId, buyerId } = req.params;
    await watchDrop(opts.pool, dropId, buyerId, new Date(opts.now()));
    return { dropId, buyerId, watching: true };
  });

  app.delete<{ Params: { dropId: string; buyerId: string } }>("/internal/drops/:dropId/watchers/:buyerId", { schema: { params } }, async (req, reply) => {
    if (!(await unwatchDrop(opts.pool, req.params.dropId, req.params.buyerId))) throw notFound("not watching this drop", "WATCH_NOT_FOUND");
    return reply.code(204).send();
  });
}

/**
 * Watching a drop ("tell me when it opens, and when it is back in stock"), for buyers:
 *   POST   /api/drops/:dropId/watch   200 {dropId, watching: true, startsAt}; again: the same (re-arms back in stock)
 *   GET    /api/drops/:dropId/watch   200 {dropId, watching}: whether this buyer watches it (so a page shows it after a reload)
 *   DELETE /api/drops/:dropId/watch   204, watching or not
 * The drop must exist in the catalog (404 DROP_NOT_FOUND). The gateway hands the notification service
 * the drop's startsAt with the watch (the catalog's, never the client's): that is how the opening-soon
 * worker learns start times. A drop's start is fixed once scheduled (the catalog has no reschedule).
 */
import type { FastifyInstance } from "fastify";
import { AppError } from "@drops/http";
import type { DropInfoCache } from "../store/drop-info.ts";
import type { NotificationClient } from "../store/notifications.ts";
import type { TokenSigner } from "../domain/jwt.ts";
import { authorize } from "./authenticate.ts";
import { bearer, errors, idParams } from "./schemas.ts";

export type WatchRouteDeps = { tokens: TokenSigner; drops: DropInfoCache; notifications: NotificationClient };

const watchAnswer = {
  type: "object",
  required: ["dropId", "watching", "startsAt"],
  properties: { dropId: { type: "string", format: "uuid" }, watching: { type: "boolean" }, startsAt: { type: "string", format: "date-time" } },
} as const;

const watchStateAnswer = {
  type: "object",
  required: ["dropId", "watching"],
  properties: { dropId: { type: "string", format: "uuid" }, watching: { type: "boolean", description: "true while this buyer watches the drop" } },
} as const;

export async function watchRoutes(app: FastifyInstance, { tokens, drops, notifications }: WatchRouteDeps): Promise<void> {
  app.post<{ Params: { dropId: string } }>(
    "/api/drops/:dropId/watch",
    {
      schema: {
        tags: ["drops"], summary: "Watch a drop: notices when it opens soon and when it is back in stock", security: bearer,
        description: "Idempotent: watching again answers the same and re-arms the back-in-stock notice (one per watch). The opening-soon notice comes once per buyer and drop.",
        params: idParams("dropId"), response: { 200: watchAnswer, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const caller = authorize(request, tokens, "buyer");
      const { dropId } = request.params;
      const drop = await drops.get(dropId);
      await notifications.call({
        method: "PUT", path: `/internal/drops/${dropId}/watchers/${caller.userId}`, body: { startsAt: drop.startsAt }, caller, requestId: request.id,
      });
      return { dropId, watching: true, startsAt: drop.startsAt };
    },
  );

  app.get<{ Params: { dropId: string } }>(
    "/api/drops/:dropId/watch",
    {
      schema: {
        tags: ["drops"], summary: "Do I watch this drop?", security: bearer, description: "watching: false when the buyer never watched it or stopped (never a 404 for that).",
        params: idParams("dropId"), response: { 200: watchStateAnswer, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const caller = authorize(request, tokens, "buyer");
      const { dropId } = request.params;
      await drops.get(dropId);
      const state = await notifications.call<{ watching: boolean }>({ method: "GET", path: `/internal/drops/${dropId}/watchers/${caller.userId}`, caller, requestId: request.id });
      return { dropId, watching: state.watching === true };
    },
  );

  app.delete<{ Params: { dropId: string } }>(
    "/api/drops/:dropId/watch",
    {
      schema: {
        tags: ["drops"], summary: "Stop watching a drop", security: bearer, description: "Idempotent: 204 whether or not the drop was watched.",
        params: idParams("dropId"), response: { 204: { type: "null", description: "not watching" }, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const caller = authorize(request, tokens, "buyer");
      const { dropId } = request.params;
      await drops.get(dropId);
      try {
        await notifications.call({ method: "DELETE", path: `/internal/drops/${dropId}/watchers/${caller.userId}`, caller, requestId: request.id });
      } catch (err) {
        if (!(err instanceof AppError && err.code === "WATCH_NOT_FOUND")) throw err;
      }
      return reply.code(204).send();
    },
  );
}

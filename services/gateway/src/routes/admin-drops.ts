import type { FastifyInstance } from "fastify";
import type { ServiceClient } from "@drops/http";
import type { TokenSigner } from "../domain/jwt.ts";
import { authorize } from "./authenticate.ts";
import { adminStockAnswer } from "./order-schemas.ts";
import { bearer, errors, idParams } from "./schemas.ts";
import { dropStatusAnswer } from "./seller-admin-schemas.ts";

/**
 * Stock control without redis-cli (admin), over the inventory's internal routes:
 * - POST /api/admin/drops/:dropId/resync: rebuild Redis from the ledger (Redlock, fenced), then 200
 *   the admin stock view (as GET /api/admin/drops/:dropId/stock); 409 DROP_NOT_OPENED / RESYNC_BUSY /
 *   RESYNC_STALE, 404 DROP_NOT_FOUND, 503 RESYNC_RETRY.
 * - POST /api/admin/drops/:dropId/pause, /resume: 200 {dropId, status}; idempotent; a paused drop
 *   answers purchases 409 PAUSED; 404 DROP_NOT_LOADED (a drop not scheduled in the inventory, or,
 *   for resume, never loaded).
 */
export async function adminDropRoutes(app: FastifyInstance, { tokens, inventory }: { tokens: TokenSigner; inventory: ServiceClient }): Promise<void> {
  app.post<{ Params: { dropId: string } }>(
    "/api/admin/drops/:dropId/resync",
    { schema: { tags: ["admin"], summary: "Rebuild a drop's Redis stock from the ledger", security: bearer, params: idParams("dropId"), response: { 200: adminStockAnswer, ...errors(400, 401, 403, 404, 409, 503) } } },
    async (request) => {
      const caller = authorize(request, tokens, "admin");
      const path = `/internal/drops/${request.params.dropId}`;
      await inventory.call({ method: "POST", path: `${path}/resync`, caller, requestId: request.id });
      return inventory.call({ method: "GET", path: `${path}/stock`, caller, requestId: request.id });
    },
  );

  for (const [action, status] of [["pause", "paused"], ["resume", "open"]] as const) {
    app.post<{ Params: { dropId: string } }>(
      `/api/admin/drops/:dropId/${action}`,
      { schema: { tags: ["admin"], summary: action === "pause" ? "Pause a drop (purchases answer 409 PAUSED)" : "Resume a paused drop", security: bearer, params: idParams("dropId"), response: { 200: dropStatusAnswer, ...errors(400, 401, 403, 404, 503) } } },
      async (request) => {
        const caller = authorize(request, tokens, "admin");
        const r = await inventory.call<{ dropId: string; status: string }>({ method: "PUT", path: `/internal/drops/${request.params.dropId}/status`, body: { status }, caller, requestId: request.id });
        return { dropId: r.dropId, status: r.status };
      },
    );
  }
}

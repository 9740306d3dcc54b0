/**
 * Admin stock control (internal; the gateway's admin routes call these):
 * - GET  /internal/drops/:dropId/stock  -> {available, held, sold, total, consistent, ...} Redis vs ledger
 * - POST /internal/drops/:dropId/resync -> rebuild Redis from the ledger (Redlock drop:<id>:resync, fenced)
 */
import type { FastifyInstance } from "fastify";
import { AppError, conflict, notFound } from "@drops/http";
import type { Pool } from "../db.ts";
import type { Redis } from "../stock/scripts.ts";
import { DROP_ID_PATTERN } from "../opening/schedule-route.ts";
import { findDrop } from "../ledger/drops-repo.ts";
import { checkDropStock } from "./stock-check.ts";
import { resyncDrop, type ResyncDeps } from "./resync.ts";

type Params = { Params: { dropId: string } };
const params = { type: "object", required: ["dropId"], properties: { dropId: { type: "string", pattern: DROP_ID_PATTERN } } } as const;

export async function adminRoutes(app: FastifyInstance, deps: ResyncDeps & { redis: Redis; pool: Pool }): Promise<void> {
  app.get<Params>("/internal/drops/:dropId/stock", { schema: { params } }, async (req) => {
    const r = await checkDropStock(deps, req.params.dropId);
    if (!r.loaded && !(await findDrop(deps.pool, req.params.dropId))) {
      throw notFound(`drop ${req.params.dropId} is unknown to the inventory`, "DROP_NOT_FOUND");
    }
    return r;
  });

  app.post<Params>("/internal/drops/:dropId/resync", { schema: { params } }, async (req) => {
    const r = await resyncDrop(deps, req.params.dropId);
    switch (r.status) {
      case "RESYNCED":
        return { dropId: req.params.dropId, ...r };
      case "UNKNOWN_DROP":
        throw notFound(`drop ${req.params.dropId} is unknown to the inventory`, "DROP_NOT_FOUND");
      case "NOT_OPENED":
        throw conflict(`drop ${req.params.dropId} has no ledger yet (not opened)`, "DROP_NOT_OPENED");
      case "BUSY":
        throw conflict(`a resync of drop ${req.params.dropId} is already running`, "RESYNC_BUSY");
      case "STALE_FENCE":
        throw conflict("a newer resync overtook this one", "RESYNC_STALE");
      case "CHANGING":
        throw new AppError(503, "RESYNC_RETRY", "the drop kept changing during the resync; try again");
    }
  });
}

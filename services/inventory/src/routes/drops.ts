/**
 * Admin stock control (internal; the gateway's admin routes call these):
 * - GET  /internal/drops/:dropId/stock  -> {available, held, sold, total, consistent, ...} Redis vs ledger
 * - POST /internal/drops/:dropId/resync -> rebuild Redis from the ledger (Redlock drop:<id>:resync, fenced)
 * - POST /internal/drops/:dropId/adjust {delta} -> restock (> 0) / withdraw (< 0) (Redlock drop:<id>:adjust, fenced)
 */
import type { FastifyInstance } from "fastify";
import { AppError, conflict, notFound } from "@drops/http";
import type { Pool } from "../db.ts";
import type { Redis } from "../stock/scripts.ts";
import type { StockStore } from "../stock/stock-store.ts";
import { DROP_ID_PATTERN } from "../opening/schedule-route.ts";
import { findDrop } from "../ledger/drops-repo.ts";
import { checkDropStock } from "./stock-check.ts";
import { resyncDrop, type ResyncDeps } from "./resync.ts";
import { adjustDrop } from "./adjust.ts";

type Params = { Params: { dropId: string } };
const params = { type: "object", required: ["dropId"], properties: { dropId: { type: "string", pattern: DROP_ID_PATTERN } } } as const;

export type AdminDeps = ResyncDeps & { redis: Redis; pool: Pool; store: Pick<StockStore, "resync" | "adjust"> };

export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
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
  app.post<{ Params: { dropId: string }; Body: { delta: number } }>(
    "/internal/drops/:dropId/adjust",
    {
      schema: {
        params,
        body: {
          type: "object",
          required: ["delta"],
          additionalProperties: false,
          properties: { delta: { type: "integer", minimum: -10_000_000, maximum: 10_000_000, not: { const: 0 } } },
        },
      },
    },
    async (req) => {
      const { dropId } = req.params;
      const r = await adjustDrop(deps, dropId, req.body.delta);
      switch (r.status) {
        case "ADJUSTED":
          return { dropId, delta: req.body.delta, available: r.available, adjustments: r.adjustments };
        case "NOT_LOADED":
          throw notFound(`drop ${dropId} is not loaded`, "DROP_NOT_LOADED");
        case "INSUFFICIENT":
          throw conflict(`only ${r.available} units are available to withdraw`, "INSUFFICIENT_AVAILABLE", { available: r.available });
        case "BUSY":
          throw conflict(`an adjustment of drop ${dropId} is already running`, "ADJUST_BUSY");
        case "STALE_FENCE":
          throw conflict("a newer adjustment overtook this one", "ADJUST_STALE");
      }
    },
  );
}

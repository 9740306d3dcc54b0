import type { FastifyInstance } from "fastify";
import { callerOf } from "@drops/http";
import type { Db } from "../store/prisma.ts";
import type { DropScheduler } from "../store/inventory.ts";
import { adjustOwnDrop, ownDrop, type StockAdjuster } from "../store/sellers-drops.ts";
import { idParams, strictObject } from "./schemas.ts";

const adjustBody = strictObject({ delta: { type: "integer", minimum: -1_000_000, maximum: 1_000_000, not: { const: 0 } } }, ["delta"]);

/**
 * A seller's own drops (the gateway's sales view and stock adjustment check ownership here):
 * - GET  /sellers/me/drops/:dropId: the drop when it is the caller's (any seller status: a rejected
 *   seller still sees its sales); 404 DROP_NOT_FOUND, 403 NOT_A_SELLER / NOT_OWNER.
 * - POST /sellers/me/drops/:dropId/adjust {delta}: the approved owner's restock (+) / withdrawal (-):
 *   {dropId, delta, stage: "loaded", available, adjustments} (the inventory's) or {dropId, delta,
 *   stage: "scheduled", units} before the drop is loaded; 409 INSUFFICIENT_AVAILABLE {available}.
 */
export async function sellerDropRoutes(app: FastifyInstance, opts: { db: Db; adjust: StockAdjuster; schedule: DropScheduler }): Promise<void> {
  const { db } = opts;
  type Params = { Params: { dropId: string } };

  app.get<Params>("/sellers/me/drops/:dropId", { schema: { params: idParams("dropId") } }, async (request) =>
    ownDrop(db, callerOf(request).userId, request.params.dropId));

  app.post<Params & { Body: { delta: number } }>(
    "/sellers/me/drops/:dropId/adjust",
    { schema: { params: idParams("dropId"), body: adjustBody } },
    async (request) => {
      const { dropId } = request.params;
      const { delta } = request.body;
      const r = await adjustOwnDrop(db, callerOf(request).userId, dropId, delta, opts);
      return r.stage === "loaded"
        ? { dropId, delta, stage: "loaded", available: r.answer.available, adjustments: r.answer.adjustments }
        : { dropId, delta, stage: "scheduled", units: r.units };
    },
  );
}

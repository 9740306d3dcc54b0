import type { FastifyInstance } from "fastify";
import { authorize } from "./authenticate.ts";
import type { TokenSigner } from "../domain/jwt.ts";
import type { ServiceClient } from "@drops/http";
import { adminStockAnswer } from "./order-schemas.ts";
import { bearer, errors, idParams } from "./schemas.ts";

/**
 * GET /api/admin/drops/:dropId/stock (admin): the inventory's Redis-vs-ledger check of one drop
 * (`GET /internal/drops/:dropId/stock`): {available, held, sold, total, consistent, ...}.
 */
export async function adminStockRoutes(app: FastifyInstance, { tokens, inventory }: { tokens: TokenSigner; inventory: ServiceClient }): Promise<void> {
  app.get<{ Params: { dropId: string } }>(
    "/api/admin/drops/:dropId/stock",
    { schema: { tags: ["admin"], summary: "Stock of a drop: Redis vs ledger", security: bearer, params: idParams("dropId"), response: { 200: adminStockAnswer, ...errors(400, 401, 403, 404, 503) } } },
    async (request) => {
      const caller = authorize(request, tokens, "admin");
      return inventory.call({ method: "GET", path: `/internal/drops/${request.params.dropId}/stock`, caller, requestId: request.id });
    },
  );
}

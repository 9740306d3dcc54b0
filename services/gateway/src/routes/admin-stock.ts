import type { FastifyInstance } from "fastify";
import { authorize } from "../auth/authenticate.ts";
import type { TokenSigner } from "../auth/jwt.ts";
import type { ServiceClient } from "../http/service-client.ts";
import { adminStockAnswer } from "../order-schemas.ts";
import { bearer, errors, idParams } from "../schemas.ts";

/**
 * GET /api/admin/drops/:dropId/stock (admin): the inventory's Redis-vs-ledger check of one drop
 * (`GET /internal/drops/:dropId/stock`): {available, held, sold, total, consistent, ...}.
 */
export async function adminStockRoutes(app: FastifyInstance, { tokens, inventory }: { tokens: TokenSigner; inventory: ServiceClient }): Promise<void> {
  app.get<{ Params: { dropId: string } }>(
    "/api/admin/drops/:dropId/stock",
    { schema: { tags: ["admin"], summary: "Stock of a drop: Redis vs ledger", security: bearer, params: idParams("dropId"), response: { 200: adminStockAnswer, ...errors(400, 401, 403, 404, 503) } } },
    async (request) => {
      const principal = authorize(request, tokens, "admin");
      return inventory.call({ method: "GET", path: `/internal/drops/${request.params.dropId}/stock`, principal, requestId: request.id });
    },
  );
}

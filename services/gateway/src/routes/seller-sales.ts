import type { FastifyInstance } from "fastify";
import type { ServiceClient } from "@drops/http";
import type { TokenSigner } from "../domain/jwt.ts";
import { authenticate } from "./authenticate.ts";
import { bearer, errors, idParams } from "./schemas.ts";
import { adjustBody, salesAnswer, stockAnswer } from "./seller-admin-schemas.ts";

export type SellerSalesDeps = { tokens: TokenSigner; catalog: ServiceClient; inventory: ServiceClient; orders: ServiceClient };

type OwnDrop = { dropId: string; units: number; status: string };
type Stock = { loaded: boolean; available: number; held: number; sold: number; total: number; status: string | null };
type Sales = { cancelled: number; refunded: number; revenueCents: number };
type Adjusted = { stage: "loaded" | "scheduled"; units?: number };

/**
 * A seller's view and control of its own drop. The catalog checks the caller owns the drop (403
 * NOT_OWNER / NOT_A_SELLER for anyone else, 404 DROP_NOT_FOUND), then:
 * - GET  /api/sellers/me/drops/:dropId/sales: stock from the inventory (units = its total once loaded,
 *   the schedule's units before), order counts and revenue (the confirmed orders' amounts) from the order service.
 * - POST /api/sellers/me/drops/:dropId/adjust {delta}: restock (+) or withdraw (-) through the catalog
 *   (the inventory's fenced, ledgered adjust; never below sold + held: 409 INSUFFICIENT_AVAILABLE
 *   {available}); 200 the stock after it.
 */
export async function sellerSalesRoutes(app: FastifyInstance, { tokens, catalog, inventory, orders }: SellerSalesDeps): Promise<void> {
  const stockOf = async (drop: OwnDrop, requestId: string) => {
    const s = await inventory.call<Stock>({ method: "GET", path: `/internal/drops/${drop.dropId}/stock`, requestId });
    return s.loaded
      ? { units: s.total, sold: s.sold, held: s.held, available: s.available, status: s.status }
      : { units: drop.units, sold: 0, held: 0, available: drop.units, status: "scheduled" };
  };

  app.get<{ Params: { dropId: string } }>(
    "/api/sellers/me/drops/:dropId/sales",
    { schema: { tags: ["sellers"], summary: "Sales of my drop: stock, orders, revenue", security: bearer, params: idParams("dropId"), response: { 200: salesAnswer, ...errors(400, 401, 403, 404, 503) } } },
    async (request) => {
      const caller = authenticate(request, tokens);
      const { dropId } = request.params;
      const drop = await catalog.call<OwnDrop>({ method: "GET", path: `/sellers/me/drops/${dropId}`, caller, requestId: request.id });
      const [stock, sales] = await Promise.all([
        stockOf(drop, request.id),
        orders.call<Sales>({ method: "GET", path: `/internal/drops/${dropId}/sales`, requestId: request.id }),
      ]);
      return {
        dropId, units: stock.units, sold: stock.sold, held: stock.held, available: stock.available,
        cancelled: sales.cancelled, refunded: sales.refunded, revenueCents: sales.revenueCents,
      };
    },
  );

  app.post<{ Params: { dropId: string }; Body: { delta: number } }>(
    "/api/sellers/me/drops/:dropId/adjust",
    { schema: { tags: ["sellers"], summary: "Restock or withdraw units of my drop", security: bearer, params: idParams("dropId"), body: adjustBody, response: { 200: stockAnswer, ...errors(400, 401, 403, 404, 409, 503) } } },
    async (request) => {
      const caller = authenticate(request, tokens);
      const { dropId } = request.params;
      const { delta } = request.body;
      const adjusted = await catalog.call<Adjusted>({ method: "POST", path: `/sellers/me/drops/${dropId}/adjust`, body: { delta }, caller, requestId: request.id });
      if (adjusted.stage === "scheduled") {
        const units = adjusted.units ?? 0;
        return { dropId, delta, units, sold: 0, held: 0, available: units, status: "scheduled" };
      }
      const drop = await catalog.call<OwnDrop>({ method: "GET", path: `/sellers/me/drops/${dropId}`, caller, requestId: request.id });
      return { dropId, delta, ...(await stockOf(drop, request.id)) };
    },
  );
}

import type { FastifyInstance } from "fastify";
import { authenticate, authorize } from "./authenticate.ts";
import { applyBody, bearer, errors, idParams, listOf, sellerListQuery, sellerStatusAnswer } from "./schemas.ts";
import { rejectAnswer, rejectBody, sellerWithReasonAnswer as sellerAnswer } from "./seller-admin-schemas.ts";
import type { RouteDeps } from "./auth.ts";

type Seller = { sellerId: string; status: string; reason?: string | null };
const pick = (s: Seller) => ({ sellerId: s.sellerId, status: s.status });

/**
 * Seller onboarding and the admin's decisions. Rejecting (also an approved seller: a suspension) takes
 * a reason and pauses every drop and product stock of the seller (the catalog asks the inventory), so
 * nothing more of theirs sells; 503 when the inventory cannot be told (rejecting again finishes it).
 */
export async function sellerRoutes(app: FastifyInstance, { catalog, tokens }: RouteDeps): Promise<void> {
  app.post<{ Body: { businessName: string; contactEmail: string } }>(
    "/api/sellers",
    { schema: { tags: ["sellers"], summary: "Apply to sell", security: bearer, body: applyBody, response: { 201: sellerStatusAnswer, ...errors(400, 401, 409, 503) } } },
    async (request, reply) => {
      const seller = await catalog.call<Seller>({ method: "POST", path: "/sellers", body: request.body, caller: authenticate(request, tokens), requestId: request.id });
      return reply.status(201).send(pick(seller));
    },
  );

  app.get(
    "/api/sellers/me",
    { schema: { tags: ["sellers"], summary: "My seller application", security: bearer, response: { 200: sellerAnswer, ...errors(401, 404, 503) } } },
    async (request) => catalog.call({ method: "GET", path: "/sellers/me", caller: authenticate(request, tokens), requestId: request.id }),
  );

  app.get<{ Querystring: { status?: string; page: number; pageSize: number } }>(
    "/api/admin/sellers",
    { schema: { tags: ["admin"], summary: "Seller applications", security: bearer, querystring: sellerListQuery, response: { 200: listOf(sellerAnswer), ...errors(400, 401, 403, 503) } } },
    async (request) => catalog.call({ method: "GET", path: "/admin/sellers", query: request.query, caller: authorize(request, tokens, "admin"), requestId: request.id }),
  );

  app.post<{ Params: { sellerId: string } }>(
    "/api/admin/sellers/:sellerId/approve",
    { schema: { tags: ["admin"], summary: "Approve a seller", security: bearer, params: idParams("sellerId"), response: { 200: sellerStatusAnswer, ...errors(400, 401, 403, 404, 503) } } },
    async (request) => {
      const caller = authorize(request, tokens, "admin");
      return pick(await catalog.call<Seller>({ method: "POST", path: `/admin/sellers/${request.params.sellerId}/approve`, caller, requestId: request.id }));
    },
  );

  app.post<{ Params: { sellerId: string }; Body: { reason: string } }>(
    "/api/admin/sellers/:sellerId/reject",
    {
      schema: {
        tags: ["admin"], summary: "Reject (or suspend) a seller: its drops and products stop selling", security: bearer,
        params: idParams("sellerId"), body: rejectBody, response: { 200: rejectAnswer, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const caller = authorize(request, tokens, "admin");
      const s = await catalog.call<Seller>({ method: "POST", path: `/admin/sellers/${request.params.sellerId}/reject`, body: request.body, caller, requestId: request.id });
      return { sellerId: s.sellerId, status: s.status, reason: s.reason ?? null };
    },
  );
}

import type { FastifyInstance } from "fastify";
import { authenticate, authorize } from "./authenticate.ts";
import { applyBody, bearer, errors, idParams, listOf, sellerAnswer, sellerListQuery, sellerStatusAnswer } from "./schemas.ts";
import type { RouteDeps } from "./auth.ts";

type Seller = { sellerId: string; status: string };
const pick = (s: Seller) => ({ sellerId: s.sellerId, status: s.status });

/** Seller onboarding and the admin's decisions. */
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

  for (const action of ["approve", "reject"] as const) {
    app.post<{ Params: { sellerId: string } }>(
      `/api/admin/sellers/:sellerId/${action}`,
      { schema: { tags: ["admin"], summary: `${action === "approve" ? "Approve" : "Reject"} a seller`, security: bearer, params: idParams("sellerId"), response: { 200: sellerStatusAnswer, ...errors(400, 401, 403, 404, 503) } } },
      async (request) => {
        const caller = authorize(request, tokens, "admin");
        return pick(await catalog.call<Seller>({ method: "POST", path: `/admin/sellers/${request.params.sellerId}/${action}`, caller, requestId: request.id }));
      },
    );
  }
}

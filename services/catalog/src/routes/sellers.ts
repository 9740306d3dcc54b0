import type { FastifyInstance } from "fastify";
import { adminOf, callerOf, notFound } from "@drops/http";
import type { Db } from "../store/prisma.ts";
import { applyAsSeller, decideSeller, listSellers, sellerOfUser } from "../store/sellers.ts";
import type { ApplyInput, SellerStatus } from "../domain/sellers.ts";
import { email, idParams, page, pageSize, strictObject } from "./schemas.ts";

const applyBody = strictObject(
  { businessName: { type: "string", minLength: 1, maxLength: 200, pattern: "\\S" }, contactEmail: email },
  ["businessName", "contactEmail"],
);
const listQuery = strictObject({ status: { type: "string", enum: ["pending", "approved", "rejected"] }, page, pageSize }, []);

/** Seller onboarding: apply (signed-in user), see own application, admin list / approve / reject. */
export async function sellerRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const { db } = opts;

  app.post<{ Body: ApplyInput }>("/sellers", { schema: { body: applyBody } }, async (request, reply) => {
    const seller = await applyAsSeller(db, callerOf(request).userId, request.body);
    return reply.status(201).send(seller);
  });

  app.get("/sellers/me", async (request) => {
    const seller = await sellerOfUser(db, callerOf(request).userId);
    if (!seller) throw notFound("no seller application", "SELLER_NOT_FOUND");
    return seller;
  });

  app.get<{ Querystring: { status?: SellerStatus; page: number; pageSize: number } }>(
    "/admin/sellers",
    { schema: { querystring: listQuery } },
    async (request) => {
      adminOf(request);
      return listSellers(db, request.query);
    },
  );

  for (const [action, decision] of [["approve", "approved"], ["reject", "rejected"]] as const) {
    app.post<{ Params: { sellerId: string } }>(`/admin/sellers/:sellerId/${action}`, { schema: { params: idParams("sellerId") } }, async (request) => {
      adminOf(request);
      return decideSeller(db, request.params.sellerId, decision);
    });
  }
}

import type { FastifyInstance } from "fastify";
import { adminOf, callerOf, notFound } from "@drops/http";
import type { Db } from "../store/prisma.ts";
import { applyAsSeller, decideSeller, listSellers, sellerById, sellerOfUser, sellerStockIds } from "../store/sellers.ts";
import { pauseAll, type StockPauser } from "../store/sellers-stock.ts";
import { stopsSelling, type ApplyInput, type SellerStatus } from "../domain/sellers.ts";
import { email, idParams, page, pageSize, strictObject } from "./schemas.ts";

const applyBody = strictObject(
  { businessName: { type: "string", minLength: 1, maxLength: 200, pattern: "\\S" }, contactEmail: email },
  ["businessName", "contactEmail"],
);
const rejectBody = strictObject({ reason: { type: "string", minLength: 1, maxLength: 500, pattern: "\\S" } }, []);
const listQuery = strictObject({ status: { type: "string", enum: ["pending", "approved", "rejected"] }, page, pageSize }, []);

/**
 * Seller onboarding: apply (signed-in user), see own application, admin list / approve / reject.
 * A rejection (also of an approved seller: a suspension) pauses every drop and product stock of the
 * seller in the inventory (`pause`), so nothing more of theirs sells.
 */
export async function sellerRoutes(app: FastifyInstance, opts: { db: Db; pause: StockPauser }): Promise<void> {
  const { db, pause } = opts;

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
    app.post<{ Params: { sellerId: string }; Body: { reason?: string } | undefined }>(
      `/admin/sellers/:sellerId/${action}`,
      {
        schema: { params: idParams("sellerId"), ...(decision === "rejected" ? { body: rejectBody } : {}) },
        // no body at all is a decision without a reason (as before reasons existed)
        preValidation: async (request) => {
          if (request.body === undefined || request.body === null) request.body = {};
        },
      },
      async (request) => {
        adminOf(request);
        const seller = await decideSeller(db, request.params.sellerId, decision, request.body?.reason);
        if (stopsSelling(decision)) {
          const { dropIds, productIds } = await sellerStockIds(db, seller.sellerId);
          const counts = await pauseAll(pause, [...dropIds, ...productIds]);
          request.log.info({ sellerId: seller.sellerId, ...counts }, "seller rejected: its stock is paused");
        }
        return seller;
      },
    );
  }

  /** For the gateway's purchase path: whose a drop's seller is (its user id) and whether it sells. */
  app.get<{ Params: { sellerId: string } }>("/internal/sellers/:sellerId", { schema: { params: idParams("sellerId") } }, async (request) => {
    const s = await sellerById(db, request.params.sellerId);
    return { sellerId: s.sellerId, userId: s.userId, status: s.status };
  });
}

/**
 * Display names for a page of something else (the gateway's order lists): what a drop or product
 * is called and its first picture, for up to 100 of each in one call.
 *   GET /names?dropIds=<uuid>,<uuid>&productIds=<uuid>  ->  {drops: [{dropId, productId, name, imageUrl}], products: [{productId, name, imageUrl}]}
 * Unknown ids are left out (the caller shows its own fallback). Anyone may read names.
 */
import type { FastifyInstance } from "fastify";
import { badRequest } from "@drops/http";
import type { Db } from "../store/prisma.ts";
import { imageRefsOf } from "../store/images.ts";
import { strictObject } from "./schemas.ts";

/** At most this many ids of each kind per call (a page of orders is at most 100). */
export const MAX_NAMED = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const idList = { type: "string", maxLength: MAX_NAMED * 37, description: "comma-separated UUIDs" } as const;
const namesQuery = strictObject({ dropIds: idList, productIds: idList }, []);

function ids(list: string | undefined, field: string): string[] {
  if (list === undefined || list === "") return [];
  const out = [...new Set(list.split(",").map((s) => s.trim().toLowerCase()))];
  if (out.length > MAX_NAMED) throw badRequest(`at most ${MAX_NAMED} ids in ${field}`, "VALIDATION_FAILED", { field });
  if (!out.every((id) => UUID.test(id))) throw badRequest(`${field} must be comma-separated UUIDs`, "VALIDATION_FAILED", { field });
  return out;
}

export async function nameRoutes(app: FastifyInstance, opts: { db: Db; imageUrlPrefix: string }): Promise<void> {
  const { db, imageUrlPrefix } = opts;
  app.get<{ Querystring: { dropIds?: string; productIds?: string } }>("/names", { schema: { querystring: namesQuery } }, async (request) => {
    const dropIds = ids(request.query.dropIds, "dropIds");
    const productIds = ids(request.query.productIds, "productIds");
    const [drops, products] = await Promise.all([
      dropIds.length ? db.drop.findMany({ where: { id: { in: dropIds } }, select: { id: true, productId: true, product: { select: { name: true } } } }) : [],
      productIds.length ? db.product.findMany({ where: { id: { in: productIds } }, select: { id: true, name: true } }) : [],
    ]);
    const refs = await imageRefsOf(db, [...drops.map((d) => d.productId), ...products.map((p) => p.id)], imageUrlPrefix);
    const first = (productId: string) => refs.get(productId)?.[0]?.url ?? null;
    return {
      drops: drops.map((d) => ({ dropId: d.id, productId: d.productId, name: d.product.name, imageUrl: first(d.productId) })),
      products: products.map((p) => ({ productId: p.id, name: p.name, imageUrl: first(p.id) })),
    };
  });
}

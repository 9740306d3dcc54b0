import type { FastifyInstance } from "fastify";
import { callerOf } from "@drops/http";
import type { Db } from "../store/prisma.ts";
import { createDrop, getDrop } from "../store/drops.ts";
import { searchDrops } from "../store/drop-search.ts";
import { imageRefsOf, withImages } from "../store/images.ts";
import type { DropScheduler } from "../store/inventory.ts";
import type { DropInput } from "../domain/drops.ts";
import { DROP_SORTS, DROP_STATUS_FILTERS, dropSearch, type DropQuery } from "../domain/search.ts";
import { idParams, page, pageSize, priceRange, strictObject, uuid } from "./schemas.ts";

const dropFields = {
  productId: uuid,
  startsAt: { type: "string", format: "date-time", maxLength: 40 },
  units: { type: "integer", minimum: 1, maximum: 1_000_000 },
  perBuyerLimit: { type: "integer", minimum: 1, maximum: 1_000_000 },
  holdSeconds: { type: "integer", minimum: 5, maximum: 3600 },
  /** A queued drop: buyers join its waiting room and are admitted at this rate (issue 10). */
  queue: strictObject({ admitPerSecond: { type: "integer", minimum: 1, maximum: 10_000 } }, ["admitPerSecond"]),
} as const;
const createBody = strictObject(dropFields, ["productId", "startsAt", "units", "perBuyerLimit", "holdSeconds"]);

const searchQuery = strictObject(
  {
    q: { type: "string", maxLength: 200 },
    sort: { type: "string", enum: DROP_SORTS, default: "startsAt" },
    status: { type: "string", enum: DROP_STATUS_FILTERS },
    sellerId: uuid,
    productId: uuid,
    ...priceRange,
    page,
    pageSize,
  },
  [],
);

/**
 * Drops: schedule (the product's approved owner), read and search (anyone). A drop read or found
 * carries its product's pictures (`images`, `imageUrl`): one images query per answer, never per row.
 */
export async function dropRoutes(app: FastifyInstance, opts: { db: Db; scheduler: DropScheduler; imageUrlPrefix: string }): Promise<void> {
  const { db, scheduler, imageUrlPrefix } = opts;

  app.post<{ Body: DropInput }>("/drops", { schema: { body: createBody } }, async (request, reply) => {
    const drop = await createDrop(db, callerOf(request).userId, request.body, scheduler);
    return reply.status(201).send(drop);
  });

  app.get<{ Params: { dropId: string } }>("/drops/:dropId", { schema: { params: idParams("dropId") } }, async (request) => {
    const drop = await getDrop(db, request.params.dropId);
    return withImages(drop, await imageRefsOf(db, [drop.productId], imageUrlPrefix));
  });

  app.get<{ Querystring: DropQuery }>("/drops", { schema: { querystring: searchQuery } }, async (request) => {
    const found = await searchDrops(db, dropSearch(request.query));
    const refs = await imageRefsOf(db, found.items.map((d) => d.productId), imageUrlPrefix);
    return { items: found.items.map((d) => withImages(d, refs)), total: found.total };
  });
}

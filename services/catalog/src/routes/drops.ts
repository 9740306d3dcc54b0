import type { FastifyInstance } from "fastify";
import { callerOf } from "@drops/http";
import type { Db } from "../store/prisma.ts";
import { idParams, strictObject, uuid } from "./schemas.ts";
import { createDrop, getDrop, type DropInput } from "../store/drops.ts";
import type { DropScheduler } from "../store/inventory.ts";
import { searchDrops, type DropSearch } from "../store/drop-search.ts";

export const dropFields = {
  productId: uuid,
  startsAt: { type: "string", format: "date-time", maxLength: 40 },
  units: { type: "integer", minimum: 1, maximum: 1_000_000 },
  perBuyerLimit: { type: "integer", minimum: 1, maximum: 1_000_000 },
  holdSeconds: { type: "integer", minimum: 5, maximum: 3600 },
} as const;
const createBody = strictObject(dropFields, ["productId", "startsAt", "units", "perBuyerLimit", "holdSeconds"]);

export const searchQuery = strictObject(
  {
    q: { type: "string", maxLength: 200 },
    sort: { type: "string", enum: ["startsAt", "-startsAt", "available"], default: "startsAt" },
    status: { type: "string", enum: ["scheduled", "open", "paused", "closed"] },
    sellerId: uuid,
    productId: uuid,
    page: { type: "integer", minimum: 1, maximum: 100_000, default: 1 },
    pageSize: { type: "integer", minimum: 1, maximum: 100, default: 20 },
  },
  [],
);

/** Drops: schedule (the product's approved owner), read and search (anyone). */
export async function dropRoutes(app: FastifyInstance, opts: { db: Db; scheduler: DropScheduler }): Promise<void> {
  const { db, scheduler } = opts;

  app.post<{ Body: DropInput }>("/drops", { schema: { body: createBody } }, async (request, reply) => {
    const drop = await createDrop(db, callerOf(request).userId, request.body, scheduler);
    return reply.status(201).send(drop);
  });

  app.get<{ Params: { dropId: string } }>("/drops/:dropId", { schema: { params: idParams("dropId") } }, async (request) => {
    return getDrop(db, request.params.dropId);
  });

  app.get<{ Querystring: DropSearch }>("/drops", { schema: { querystring: searchQuery } }, async (request) => {
    return searchDrops(db, request.query);
  });
}

import type { FastifyInstance } from "fastify";
import { authenticate } from "./authenticate.ts";
import { withLiveStock, type StockSource } from "../domain/live-stock.ts";
import { bearer, dropAnswer, dropBody, errors, idParams, listOf } from "./schemas.ts";
import { dropSearchQuery } from "./search-schemas.ts";
import type { RouteDeps } from "./auth.ts";

type CatalogDrop = {
  dropId: string; productId: string; sellerId: string; name: string; description: string; priceCents: number;
  startsAt: string; units: number; available: number; perBuyerLimit: number; holdSeconds: number; status: string;
  /** A queued drop's waiting room (issue 10). */
  queue?: { admitPerSecond: number; seedHash: string };
  /** The product's pictures (the catalog adds them with one query per answer). */
  images?: { imageId: string; url: string }[]; imageUrl?: string | null;
};

/** The public view of a drop: the BRIEF's fields plus what a drop page and a drop card need (the product's pictures). */
function publicDrop(d: CatalogDrop) {
  return {
    dropId: d.dropId, productId: d.productId, name: d.name, startsAt: d.startsAt, units: d.units, available: d.available, status: d.status,
    description: d.description, priceCents: d.priceCents, perBuyerLimit: d.perBuyerLimit, holdSeconds: d.holdSeconds, sellerId: d.sellerId,
    images: d.images ?? [], imageUrl: d.imageUrl ?? null,
    ...(d.queue ? { queue: d.queue } : {}),
  };
}

/** Drops: an approved seller schedules one for its product; anyone reads and searches them. */
export async function dropRoutes(app: FastifyInstance, { catalog, tokens, stock }: RouteDeps & { stock: StockSource }): Promise<void> {
  app.post<{ Body: Record<string, unknown> }>(
    "/api/drops",
    { schema: { tags: ["drops"], summary: "Schedule a drop of my product", security: bearer, body: dropBody, response: { 201: { type: "object", properties: { dropId: { type: "string", format: "uuid" } }, required: ["dropId"] }, ...errors(400, 401, 403, 404, 503) } } },
    async (request, reply) => {
      const drop = await catalog.call<CatalogDrop>({ method: "POST", path: "/drops", body: request.body, caller: authenticate(request, tokens), requestId: request.id });
      return reply.status(201).send({ dropId: drop.dropId });
    },
  );

  app.get<{ Params: { dropId: string } }>(
    "/api/drops/:dropId",
    { schema: { tags: ["drops"], summary: "A drop with its stock", params: idParams("dropId"), response: { 200: dropAnswer, ...errors(400, 404, 503) } } },
    async (request) => {
      const drop = await catalog.call<CatalogDrop>({ method: "GET", path: `/drops/${request.params.dropId}`, requestId: request.id });
      return withLiveStock(publicDrop(drop), await stock.snapshot([drop.dropId]));
    },
  );

  app.get<{ Querystring: Record<string, string | number | undefined> }>(
    "/api/drops",
    { schema: { tags: ["drops"], summary: "Search drops: keywords, status, seller, price range, sort, page", querystring: dropSearchQuery, response: { 200: listOf(dropAnswer), ...errors(400, 503) } } },
    async (request) => {
      const found = await catalog.call<{ items: CatalogDrop[]; total: number }>({ method: "GET", path: "/drops", query: request.query, requestId: request.id });
      const live = await stock.snapshot(found.items.map((d) => d.dropId));
      return { items: found.items.map((d) => withLiveStock(publicDrop(d), live)), total: found.total };
    },
  );
}

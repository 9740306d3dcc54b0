import type { FastifyInstance } from "fastify";
import type { ServiceClient } from "@drops/http";
import { errors } from "./schemas.ts";
import { dropRankingAnswer, productRankingAnswer, rankingQuery } from "./search-schemas.ts";

/**
 * Rankings (anyone): the best-selling drops and products, kept by the catalog in Redis from the
 * inventory's stock events (sold units: confirmed sales, less refunds).
 */
export async function rankingRoutes(app: FastifyInstance, { catalog }: { catalog: ServiceClient }): Promise<void> {
  app.get<{ Querystring: { limit: number } }>(
    "/api/rankings/drops",
    { schema: { tags: ["rankings"], summary: "The best-selling drops", querystring: rankingQuery, response: { 200: dropRankingAnswer, ...errors(400, 503) } } },
    async (request) => catalog.call({ method: "GET", path: "/rankings/drops", query: request.query, requestId: request.id }),
  );
  app.get<{ Querystring: { limit: number } }>(
    "/api/rankings/products",
    { schema: { tags: ["rankings"], summary: "The best-selling products (their drops and cart sales together)", querystring: rankingQuery, response: { 200: productRankingAnswer, ...errors(400, 503) } } },
    async (request) => catalog.call({ method: "GET", path: "/rankings/products", query: request.query, requestId: request.id }),
  );
}

import type { FastifyInstance } from "fastify";
import type { Db } from "../store/prisma.ts";
import { dropRanking, productRanking, type Rankings } from "../store/rankings.ts";
import { strictObject } from "./schemas.ts";

const rankingQuery = strictObject({ limit: { type: "integer", minimum: 1, maximum: 100, default: 10 } }, []);

/** Rankings (anyone): the best-selling drops and products, from Redis (fed by StockChanged), with the catalog's names. */
export async function rankingRoutes(app: FastifyInstance, opts: { db: Db; rankings: Rankings }): Promise<void> {
  const { db, rankings } = opts;
  app.get<{ Querystring: { limit: number } }>("/rankings/drops", { schema: { querystring: rankingQuery } }, async (request) =>
    dropRanking(db, rankings, request.query.limit),
  );
  app.get<{ Querystring: { limit: number } }>("/rankings/products", { schema: { querystring: rankingQuery } }, async (request) =>
    productRanking(db, rankings, request.query.limit),
  );
}

/** JSON schemas of the public search and rankings routes (validation + OpenAPI); the catalog checks the same. */
import { UUID_SCHEMA } from "@drops/http";

const page = { type: "integer", minimum: 1, maximum: 100_000, default: 1 } as const;
const pageSize = { type: "integer", minimum: 1, maximum: 100, default: 20 } as const;
const q = {
  type: "string",
  maxLength: 200,
  description: "keywords split on spaces (at most 10 used); every one must appear, in any case, in the name or the description",
} as const;
const priceCents = (what: string) => ({ type: "integer", minimum: 0, maximum: 100_000_000, description: `${what} price in cents, inclusive (min above max: 400)` }) as const;

export const dropSearchQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    q,
    sort: {
      type: "string",
      enum: ["startsAt", "-startsAt", "available", "-available", "price", "-price"],
      default: "startsAt",
      description: "startsAt: soonest first; available: most units left first; price: cheapest first; a leading - reverses",
    },
    status: {
      type: "string",
      enum: ["upcoming", "open", "sold_out", "paused", "ended", "scheduled", "closed"],
      description: "as buyers see it: upcoming (not started), open (started, units left), sold_out, paused, ended; scheduled and closed are older names of upcoming and ended",
    },
    sellerId: UUID_SCHEMA,
    productId: UUID_SCHEMA,
    minPriceCents: priceCents("lowest"),
    maxPriceCents: priceCents("highest"),
    page,
    pageSize,
  },
} as const;

export const productSearchQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    q,
    sort: { type: "string", enum: ["-createdAt", "createdAt", "price", "-price"], default: "-createdAt", description: "-createdAt: newest first; price: cheapest first; a leading - reverses" },
    sellerId: UUID_SCHEMA,
    minPriceCents: priceCents("lowest"),
    maxPriceCents: priceCents("highest"),
    page,
    pageSize,
  },
} as const;

export const rankingQuery = {
  type: "object",
  additionalProperties: false,
  properties: { limit: { type: "integer", minimum: 1, maximum: 100, default: 10 } },
} as const;

const score = { type: "integer", description: "units sold (confirmed sales, less refunds) of all time" } as const;
const ranking = (id: "dropId" | "productId") =>
  ({
    type: "object",
    required: ["items"],
    properties: {
      items: {
        type: "array",
        description: "most sold first; nothing sold, not listed",
        items: { type: "object", required: [id, "name", "score"], properties: { [id]: UUID_SCHEMA, name: { type: "string" }, score } },
      },
    },
  }) as const;
export const dropRankingAnswer = ranking("dropId");
export const productRankingAnswer = ranking("productId");

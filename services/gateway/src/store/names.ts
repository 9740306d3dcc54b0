/**
 * Display names from the catalog (`GET /names`): what the drops and products of a page of orders are
 * called, in one call per page (never one per row). A display name is decoration: when the catalog
 * cannot answer, the page goes out without names (logged), rather than not at all.
 */
import type { FastifyBaseLogger } from "fastify";
import type { ServiceClient } from "@drops/http";
import { NO_NAMES, type Names } from "../domain/order-names.ts";

type NamesAnswer = {
  drops: { dropId: string; name: string; imageUrl: string | null }[];
  products: { productId: string; name: string; imageUrl: string | null }[];
};

export type NameSource = (ids: { dropIds: string[]; productIds: string[] }, requestId: string, log: FastifyBaseLogger) => Promise<Names>;

export function catalogNames(catalog: ServiceClient): NameSource {
  return async ({ dropIds, productIds }, requestId, log) => {
    if (dropIds.length === 0 && productIds.length === 0) return NO_NAMES;
    try {
      const query = { ...(dropIds.length ? { dropIds: dropIds.join(",") } : {}), ...(productIds.length ? { productIds: productIds.join(",") } : {}) };
      const a = await catalog.call<NamesAnswer>({ method: "GET", path: "/names", query, requestId });
      return {
        drops: new Map(a.drops.map((d) => [d.dropId, { name: d.name, imageUrl: d.imageUrl }])),
        products: new Map(a.products.map((p) => [p.productId, { name: p.name, imageUrl: p.imageUrl }])),
      };
    } catch (err) {
      log.warn({ err }, "order names unavailable; answering without them");
      return NO_NAMES;
    }
  };
}

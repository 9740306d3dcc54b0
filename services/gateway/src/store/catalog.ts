import type { FastifyBaseLogger } from "fastify";
import { createServiceClient, type InternalAuth, type ServiceClient } from "@drops/http";

/** The catalog's internal HTTP API (`CATALOG_URL`): users, sellers, products, drops. */
export function createCatalogClient(baseUrl: string, timeoutMs: number, auth: InternalAuth, log?: FastifyBaseLogger): ServiceClient {
  return createServiceClient({ service: "catalog", audience: "catalog", auth, baseUrl, timeoutMs, ...(log ? { log } : {}) });
}

import type { FastifyBaseLogger } from "fastify";
import { createServiceClient, type ServiceClient } from "@drops/http";

/** The catalog's internal HTTP API (`CATALOG_URL`): users, sellers, products, drops. */
export function createCatalogClient(baseUrl: string, timeoutMs: number, log?: FastifyBaseLogger): ServiceClient {
  return createServiceClient({ service: "catalog", baseUrl, timeoutMs, ...(log ? { log } : {}) });
}

import type { FastifyBaseLogger } from "fastify";
import { createServiceClient, type ServiceCall, type ServiceClient } from "../http/service-client.ts";

export type CatalogCall = ServiceCall;
export type CatalogClient = ServiceClient;

/** The catalog's internal HTTP API (`CATALOG_URL`); see createServiceClient. */
export function createCatalogClient(baseUrl: string, timeoutMs: number, log?: FastifyBaseLogger): CatalogClient {
  return createServiceClient("catalog", baseUrl, timeoutMs, log);
}

import type { FastifyBaseLogger } from "fastify";
import { createServiceClient, type ServiceClient } from "@drops/http";

/** The inventory's internal HTTP API (`INVENTORY_URL`): the admin's Redis-vs-ledger stock check. */
export function createInventoryClient(baseUrl: string, timeoutMs: number, log?: FastifyBaseLogger): ServiceClient {
  return createServiceClient({ service: "inventory", baseUrl, timeoutMs, ...(log ? { log } : {}) });
}

import type { FastifyBaseLogger } from "fastify";
import { createServiceClient, type InternalAuth, type ServiceClient } from "@drops/http";

/** The inventory's internal HTTP API (`INVENTORY_URL`): the admin's Redis-vs-ledger stock check. */
export function createInventoryClient(baseUrl: string, timeoutMs: number, auth: InternalAuth, log?: FastifyBaseLogger): ServiceClient {
  return createServiceClient({ service: "inventory", audience: "inventory", auth, baseUrl, timeoutMs, ...(log ? { log } : {}) });
}

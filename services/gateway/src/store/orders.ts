import type { FastifyBaseLogger } from "fastify";
import { createServiceClient, type InternalAuth, type ServiceClient } from "@drops/http";

/** The order service's HTTP API (`ORDER_URL`): a buyer's orders and their cancel. */
export function createOrderClient(baseUrl: string, timeoutMs: number, auth: InternalAuth, log?: FastifyBaseLogger): ServiceClient {
  return createServiceClient({ service: "order service", audience: "order", auth, baseUrl, timeoutMs, ...(log ? { log } : {}) });
}

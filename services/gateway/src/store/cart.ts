import type { FastifyBaseLogger } from "fastify";
import { createServiceClient, type InternalAuth, type ServiceClient } from "@drops/http";

/** The cart service's HTTP API (`CART_URL`): the buyer's cart and its checkout. */
export function createCartClient(baseUrl: string, timeoutMs: number, auth: InternalAuth, log?: FastifyBaseLogger): ServiceClient {
  return createServiceClient({ service: "cart service", audience: "cart", auth, baseUrl, timeoutMs, ...(log ? { log } : {}) });
}

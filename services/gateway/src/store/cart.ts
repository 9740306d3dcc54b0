import type { FastifyBaseLogger } from "fastify";
import { createServiceClient, type ServiceClient } from "@drops/http";

/** The cart service's HTTP API (`CART_URL`): the buyer's cart and its checkout. */
export function createCartClient(baseUrl: string, timeoutMs: number, log?: FastifyBaseLogger): ServiceClient {
  return createServiceClient({ service: "cart service", baseUrl, timeoutMs, ...(log ? { log } : {}) });
}

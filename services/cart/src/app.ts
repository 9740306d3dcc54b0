import type { FastifyInstance } from "fastify";
import { createServiceApp } from "@drops/http";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";

/**
 * The cart service's HTTP app: the shared shell (errors, /health, /ready on
 * Redis, Kafka) plus its routes. Never listens; closing it closes its clients.
 */
export async function buildApp(config: Config, clients: Clients = openClients(config)): Promise<FastifyInstance> {
  return createServiceApp({ config, clients });
}

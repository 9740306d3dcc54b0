import { createInfra, type RedisClient } from "@drops/clients";
import type { ServiceClients } from "@drops/http";
import type { Config } from "./config.ts";

/** The cart's clients: Redis, where the carts live. Nothing else is opened, so /ready checks only Redis. */
export type Clients = { redis: RedisClient; shell: ServiceClients };

/** Creates the clients without connecting (connections open on first use). */
export function openClients(config: Config): Clients {
  const infra = createInfra(config.SERVICE_NAME);
  return { redis: infra.redis(config.REDIS_URL), shell: infra.shell };
}

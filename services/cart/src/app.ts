import { createServiceApp, type BuiltService } from "@drops/http";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { createWorkers } from "./workers.ts";

/**
 * The cart service: the shared shell (errors, /health, /ready on Redis) and no routes yet. Never
 * listens; closing the app closes its clients.
 */
export async function buildApp(config: Config, clients: Clients = openClients(config)): Promise<BuiltService> {
  const app = await createServiceApp({ config, clients: clients.shell });
  return { app, workers: createWorkers() };
}

import type { FastifyInstance } from "fastify";
import { createServiceApp } from "@drops/http";
import { openClients, type Clients } from "./clients.ts";
import type { Config } from "./config.ts";

/**
 * The cart service's HTTP app: the shared shell (errors, /health, /ready on
 * Redis, Kafka) plus its routes. Never listens; closing it closes its clients.
 */
export async function buildApp(config: Config, clients: Clients = openClients(config)): Promise<FastifyInstance> {
  try {
    const app = await createServiceApp({
      name: config.SERVICE_NAME,
      logLevel: config.LOG_LEVEL,
      bodyLimit: config.BODY_LIMIT_BYTES,
      readyTimeoutMs: config.READY_TIMEOUT_MS,
      checks: clients.checks,
    });
    clients.setLogger(app.log);
    app.addHook("onClose", async () => clients.close());
    return app;
  } catch (err) {
    await clients.close();
    throw err;
  }
}

/** The order service process: `node --import ./src/instrument.ts src/main.ts`. */
import { startService } from "@drops/http";
import { shutdownTelemetry } from "@drops/telemetry";
import { buildApp } from "./app.ts";
import { openClients } from "./clients.ts";
import { readConfigOrExit } from "./config.ts";
import { startRuntime } from "./runtime.ts";

const config = readConfigOrExit();
const clients = openClients(config);
try {
  await startService({
    name: config.SERVICE_NAME,
    build: () => buildApp(config, clients),
    // Consumers and relays start once the app is built and stop first on shutdown.
    workers: (app) => startRuntime(config, clients, app.log),
    listen: { host: config.HOST, port: config.PORT },
    graceMs: config.SHUTDOWN_GRACE_MS,
    afterClose: shutdownTelemetry,
  });
} catch {
  // startService logged why and closed what it built.
  process.exitCode = 1;
}

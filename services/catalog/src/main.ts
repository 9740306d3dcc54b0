/** The catalog service process: `node --import ./src/instrument.ts src/main.ts`. */
import { startService } from "@drops/http";
import { shutdownTelemetry } from "@drops/telemetry";
import { buildApp } from "./app.ts";
import { openClients } from "./clients.ts";
import { readConfigOrExit } from "./config.ts";
import { seedAdmin } from "./workers.ts";

const config = readConfigOrExit();
try {
  await startService({
    name: config.SERVICE_NAME,
    build: async () => {
      const clients = openClients(config);
      const app = await buildApp(config, clients);
      await seedAdmin(clients.db, config, app.log);
      return app;
    },
    listen: { host: config.HOST, port: config.PORT },
    graceMs: config.SHUTDOWN_GRACE_MS,
    afterClose: shutdownTelemetry,
  });
} catch {
  // startService logged why and closed what it built.
  process.exitCode = 1;
}

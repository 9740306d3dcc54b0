/** The notification service process: `node --import ./src/instrument.ts src/main.ts`. */
import { startService } from "@drops/http";
import { shutdownTelemetry } from "@drops/telemetry";
import { buildApp } from "./app.ts";
import { openClients } from "./clients.ts";
import { readConfigOrExit } from "./config.ts";
import { startRuntime, type Runtime } from "./runtime.ts";

const config = readConfigOrExit();
let runtime: Runtime | undefined;
try {
  await startService({
    name: config.SERVICE_NAME,
    build: async () => {
      const clients = openClients(config);
      const app = await buildApp(config, clients);
      try {
        runtime = await startRuntime(config, clients, app.log);
      } catch (err) {
        await app.close();
        throw err;
      }
      return app;
    },
    listen: { host: config.HOST, port: config.PORT },
    graceMs: config.SHUTDOWN_GRACE_MS,
    onClose: async () => runtime?.stop(),
    afterClose: shutdownTelemetry,
  });
} catch {
  // startService logged why and closed what it built.
  process.exitCode = 1;
}

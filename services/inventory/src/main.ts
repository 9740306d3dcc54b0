/** The inventory service process: `node --import ./src/instrument.ts src/main.ts`. */
import { startService } from "@drops/http";
import { shutdownTelemetry } from "@drops/telemetry";
import { buildService } from "./app.ts";
import type { Workers } from "./workers.ts";
import { readConfigOrExit } from "./config.ts";

const config = readConfigOrExit();
let workers: Workers | undefined;
try {
  const running = await startService({
    name: config.SERVICE_NAME,
    build: async () => {
      const service = await buildService(config);
      workers = service.workers;
      return service.app;
    },
    listen: { host: config.HOST, port: config.PORT },
    graceMs: config.SHUTDOWN_GRACE_MS,
    // Stop the relay, opener, sweeper and consumer before the app closes its clients.
    onClose: async () => workers?.stop(),
    afterClose: shutdownTelemetry,
  });
  if (config.WORKERS_ENABLED) {
    try {
      await workers?.start();
      running.app.log.info("inventory workers started (relay, opener, sweeper, command consumer)");
    } catch (err) {
      running.app.log.fatal({ err }, "inventory workers failed to start");
      await running.close();
      process.exitCode = 1;
    }
  }
} catch {
  // startService logged why and closed what it built.
  process.exitCode = 1;
}

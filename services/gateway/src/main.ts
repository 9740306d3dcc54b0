/** The gateway service process: `node --import ./src/instrument.ts src/main.ts`. */
import { startService } from "@drops/http";
import { shutdownTelemetry } from "@drops/telemetry";
import { buildApp } from "./app.ts";
import { readConfigOrExit } from "./config.ts";

const config = readConfigOrExit();
try {
  await startService({
    name: config.SERVICE_NAME,
    build: () => buildApp(config),
    listen: { host: config.HOST, port: config.PORT },
    graceMs: config.SHUTDOWN_GRACE_MS,
    afterClose: shutdownTelemetry,
  });
} catch {
  // startService logged why and closed what it built.
  process.exitCode = 1;
}

/** The gateway service process: `node --import ./src/instrument.ts src/main.ts`. */
import { startService } from "@drops/http";
import { shutdownTelemetry } from "@drops/telemetry";
import { buildGateway } from "./app.ts";
import { readConfigOrExit } from "./config.ts";

const config = readConfigOrExit();
try {
  await startService({
    name: config.SERVICE_NAME,
    build: async () => {
      const { app, feed } = await buildGateway(config);
      // Not awaited: the storefront serves while Kafka is slow; live updates start once it joins.
      feed.start().catch((err: unknown) => app.log.error({ err }, "stock feed could not start: no live stock updates on this instance"));
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

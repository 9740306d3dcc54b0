/**
 * Loaded with `node --import ./src/instrument.ts src/main.ts`: starts OpenTelemetry before any
 * app module (fastify, http, ioredis, pg, kafkajs) is imported, so they are instrumented.
 */
import { startTelemetry } from "@drops/telemetry";
import { readConfigOrExit } from "./config.ts";

const config = readConfigOrExit();
await startTelemetry({
  serviceName: config.SERVICE_NAME,
  enabled: config.OTEL_ENABLED,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  metricsPort: config.METRICS_PORT,
});

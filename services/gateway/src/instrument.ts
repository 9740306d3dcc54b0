/**
 * Loaded with `node --import ./src/instrument.ts src/main.ts`: starts OpenTelemetry before any
 * app module (fastify, http, ioredis, pg, kafkajs) is imported, so they are instrumented.
 */
import { startTelemetry } from "@drops/telemetry";
import { readConfigOrExit } from "./config.ts";

const config = readConfigOrExit();
// Without an endpoint nothing is exported, logs included: sdk-node's default logs exporter (otlp to
// localhost:4318) otherwise retries at shutdown for ~10 s and overruns SHUTDOWN_GRACE_MS.
// (Belongs in @drops/telemetry, next to its `spanProcessors: []`.)
if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) process.env["OTEL_LOGS_EXPORTER"] ??= "none";
await startTelemetry({
  serviceName: config.SERVICE_NAME,
  enabled: config.OTEL_ENABLED,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  metricsPort: config.METRICS_PORT,
});

import type { IncomingMessage } from "node:http";
import { getNodeAutoInstrumentations } from "@opentelemetry/auto-instrumentations-node";
import type { Instrumentation } from "@opentelemetry/instrumentation";

const PROBE_PATHS = new Set(["/health", "/ready", "/metrics"]);

/** http, ioredis, pg, kafkajs, pino, undici, runtime metrics; fs/dns/net are off (noise, cost). */
export function instrumentations(): Instrumentation[] {
  return getNodeAutoInstrumentations({
    "@opentelemetry/instrumentation-fs": { enabled: false },
    "@opentelemetry/instrumentation-dns": { enabled: false },
    "@opentelemetry/instrumentation-net": { enabled: false },
    "@opentelemetry/instrumentation-http": {
      ignoreIncomingRequestHook: (req: IncomingMessage) => PROBE_PATHS.has((req.url ?? "").split("?")[0] ?? ""),
    },
  });
}

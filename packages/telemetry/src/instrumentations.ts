import type { IncomingMessage } from "node:http";
import { getNodeAutoInstrumentations } from "@opentelemetry/auto-instrumentations-node";
import type { Instrumentation } from "@opentelemetry/instrumentation";

const PROBE_PATHS = new Set(["/health", "/ready", "/metrics"]);

/**
 * Query parameters whose values spans record as REDACTED: the instrumentation's own list (it replaces
 * it, it does not add to it) plus the gateway's SSE `access_token` (EventSource cannot send headers).
 */
export const REDACTED_QUERY_PARAMS = ["sig", "Signature", "AWSAccessKeyId", "X-Goog-Signature", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "access_token"];

/** http, ioredis, pg, kafkajs, pino, undici, runtime metrics; fs/dns/net are off (noise, cost). */
export function instrumentations(): Instrumentation[] {
  return getNodeAutoInstrumentations({
    "@opentelemetry/instrumentation-fs": { enabled: false },
    "@opentelemetry/instrumentation-dns": { enabled: false },
    "@opentelemetry/instrumentation-net": { enabled: false },
    "@opentelemetry/instrumentation-http": {
      ignoreIncomingRequestHook: (req: IncomingMessage) => PROBE_PATHS.has((req.url ?? "").split("?")[0] ?? ""),
      redactedQueryParams: REDACTED_QUERY_PARAMS,
      redactedQueryParamsServer: REDACTED_QUERY_PARAMS,
    },
  });
}

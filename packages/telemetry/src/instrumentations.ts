import { getNodeAutoInstrumentations } from "@opentelemetry/auto-instrumentations-node";
import type { Instrumentation } from "@opentelemetry/instrumentation";

/**
 * Query parameters whose values spans record as REDACTED: the instrumentation's own list (it replaces
 * it, it does not add to it) plus the gateway's SSE `access_token` (EventSource cannot send headers).
 */
export const REDACTED_QUERY_PARAMS = ["sig", "Signature", "AWSAccessKeyId", "X-Goog-Signature", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "access_token"];

/**
 * http (client side), undici, ioredis, pg, runtime metrics; fs/dns/net are off (noise, cost), kafkajs,
 * pino and the HTTP server side too (see below).
 */
export function instrumentations(): Instrumentation[] {
  return getNodeAutoInstrumentations({
    "@opentelemetry/instrumentation-fs": { enabled: false },
    "@opentelemetry/instrumentation-dns": { enabled: false },
    "@opentelemetry/instrumentation-net": { enabled: false },
    // Off: it injects a new context into every produced message's headers, the active one at send
    // time. Our producers batch (the batcher drains in the root context) and relays publish events
    // decided elsewhere, so that would replace each event's own traceparent (the purchase's) with a
    // fresh root trace. @drops/kafka carries the event's traceparent in the headers and starts the
    // consumer's `<topic> process` span from it; that span is each hop's Kafka span.
    "@opentelemetry/instrumentation-kafkajs": { enabled: false },
    // Only inside a traced operation: the relays' and pollers' idle queries and commands make no root spans.
    "@opentelemetry/instrumentation-pg": { requireParentSpan: true },
    // The command name only: arguments carry buyer and order ids, rate-limit keys (IPs) and tokens.
    "@opentelemetry/instrumentation-ioredis": { requireParentSpan: true, dbStatementSerializer: (command: string) => command },
    // Log lines get their trace fields from @drops/http's logger mixin (server-span.ts logTraceFields),
    // which also covers the request line written after the response, outside any active context.
    "@opentelemetry/instrumentation-pino": { enabled: false },
    // Client side only. The server span is @drops/http's (server-span.ts), started past onRequest, so
    // an answer from memory there costs nothing: the instrumentation's server side wraps every
    // request in a context and a span decision, which doubled the CPU of a sold-out answer.
    "@opentelemetry/instrumentation-http": {
      disableIncomingRequestInstrumentation: true,
      redactedQueryParams: REDACTED_QUERY_PARAMS,
    },
  });
}

import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { logTraceFields, tracingEnabled } from "@drops/telemetry";
import type { LoggerOptions } from "pino";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** Paths never written to logs (tokens, cookies, passwords). */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
  "*.password",
  "password",
  "*.accessToken",
];

/**
 * Structured JSON logs with the service name on every line and secrets redacted; with tracing on,
 * the active span's `trace_id`, `span_id` and `trace_flags` on every line written under one (a
 * request past onRequest, a Kafka handler, a saga step). Without tracing there is no mixin at all.
 */
export function loggerOptions(service: string, level: LogLevel = "info"): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    ...(tracingEnabled() ? { mixin: logTraceFields } : {}),
  };
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane token, else a fresh UUID. */
export function requestId(req: IncomingMessage): string {
  const header = req.headers["x-request-id"];
  return typeof header === "string" && SAFE_ID.test(header) ? header : randomUUID();
}

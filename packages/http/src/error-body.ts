import type { FastifyError } from "fastify";
import { isDatabaseDown } from "./database-down.ts";
import { AppError, type ErrorCode } from "./errors.ts";

export type ErrorBody = { code: ErrorCode; message: string; [extra: string]: unknown };
export type MappedError = { statusCode: number; body: ErrorBody; expected: boolean };

/** Codes for the 4xx errors fastify raises itself before a handler runs. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_BAD_URL: "BAD_URL",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_EMPTY_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_CTP_INVALID_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "BAD_REQUEST",
  FST_ERR_CTP_INVALID_TYPE: "BAD_REQUEST",
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  406: "NOT_ACCEPTABLE",
  408: "REQUEST_TIMEOUT",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  414: "URI_TOO_LONG",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
  431: "HEADERS_TOO_LARGE",
};

type ValidationItem = { instancePath?: string; params?: Record<string, unknown>; message?: string };

/** `body/quantity` from ajv's `/quantity` or a missing required property. */
function failingField(item: ValidationItem | undefined): string | undefined {
  if (!item) return undefined;
  const missing = item.params?.["missingProperty"] ?? item.params?.["additionalProperty"];
  const path = (item.instancePath ?? "").replace(/^\//, "").replaceAll("/", ".");
  if (typeof missing === "string") return path ? `${path}.${missing}` : missing;
  return path || undefined;
}

/** ajv's "must be equal to one of the allowed values" names them (`?sort=name`: which sorts there are). */
function withAllowed(message: string, item: ValidationItem | undefined): string {
  const allowed = item?.params?.["allowedValues"];
  return Array.isArray(allowed) && allowed.length <= 20 ? `${message}: ${allowed.map(String).join(", ")}` : message;
}

/** Turns anything thrown into a status and a `{code, message}` body that never leaks internals. */
export function mapError(error: unknown): MappedError {
  if (error instanceof AppError) {
    return { statusCode: error.statusCode, expected: true, body: { ...error.details, code: error.code, message: error.message } };
  }
  if (isDatabaseDown(error)) {
    return { statusCode: 503, expected: false, body: { code: "UNAVAILABLE", message: "the database is unavailable; retry shortly" } };
  }
  const err = error as Partial<FastifyError> & { validation?: ValidationItem[] };
  if (Array.isArray(err.validation)) {
    const field = failingField(err.validation[0]);
    return {
      statusCode: 400,
      expected: true,
      body: { code: "VALIDATION_FAILED", message: withAllowed(err.message ?? "invalid request", err.validation[0]), ...(field ? { field } : {}) },
    };
  }
  const status = typeof err.statusCode === "number" ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code =
      (err.code ? FASTIFY_CODES[err.code] : undefined) ??
      (error instanceof SyntaxError ? "MALFORMED_JSON" : undefined) ??
      STATUS_CODES[status] ??
      "BAD_REQUEST";
    // fastify's own messages name its internals (FST_ERR_*); ours say what was wrong.
    const message = err.code === "FST_ERR_BAD_URL" ? "the URL is not valid (bad percent-encoding or characters)" : (err.message ?? "bad request");
    return { statusCode: status, expected: true, body: { code, message } };
  }
  if (status === 503) {
    return { statusCode: 503, expected: false, body: { code: "UNAVAILABLE", message: "service unavailable" } };
  }
  return { statusCode: 500, expected: false, body: { code: "INTERNAL", message: "internal error" } };
}

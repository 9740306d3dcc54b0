import { Ajv, type Options } from "ajv";
import addFormats from "ajv-formats";
import type { FastifyRequest, FastifySchemaCompiler } from "fastify";
import { badRequest } from "./errors.ts";

function ajv(opts: Options): Ajv {
  const instance = new Ajv({ allErrors: false, strict: false, useDefaults: true, removeAdditional: false, ...opts });
  addFormats.default(instance, ["date-time", "email", "uuid"]);
  return instance;
}

/**
 * Strict request validation: bodies are never coerced and unknown properties are rejected
 * (fastify's defaults would turn `"5"` into 5 and silently strip extra fields); query strings,
 * params and headers are strings on the wire, so they are coerced to the schema's types.
 */
export function strictValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = ajv({ coerceTypes: false });
  const rest = ajv({ coerceTypes: true });
  return ({ schema, httpPart }) => (httpPart === "body" ? body : rest).compile(schema as object);
}

/** True when any string (or key) in `value` contains a NUL character, which PostgreSQL text cannot store. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (depth > 32 || value === null || typeof value !== "object") return false;
  for (const [key, v] of Object.entries(value)) {
    if (key.includes("\u0000") || containsNul(v, depth + 1)) return true;
  }
  return false;
}

/** preValidation hook: 400 VALIDATION_FAILED for a NUL character anywhere in the body, query or params. */
export async function rejectNul(request: FastifyRequest): Promise<void> {
  if (containsNul(request.body) || containsNul(request.query) || containsNul(request.params)) {
    throw badRequest("text must not contain NUL characters", "VALIDATION_FAILED");
  }
}

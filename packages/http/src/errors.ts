/**
 * The one error type routes throw on purpose. `code` is stable and machine-readable
 * (clients switch on it); `message` is for humans; `statusCode` is the HTTP status.
 * Anything thrown that is not an AppError is a bug and answers 500 INTERNAL.
 */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  /** Extra fields merged into the error body, e.g. `{ field: "quantity" }`. */
  readonly details: Record<string, unknown> | undefined;

  constructor(statusCode: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "AppError";
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

export function badRequest(message: string, code = "BAD_REQUEST", details?: Record<string, unknown>): AppError {
  return new AppError(400, code, message, details);
}

export function unauthorized(message = "authentication required", code = "UNAUTHORIZED"): AppError {
  return new AppError(401, code, message);
}

export function forbidden(message = "not allowed", code = "FORBIDDEN"): AppError {
  return new AppError(403, code, message);
}

export function notFound(message = "not found", code = "NOT_FOUND"): AppError {
  return new AppError(404, code, message);
}

/** 409: the request is valid but the state forbids it (SOLD_OUT, LIMIT_REACHED, NOT_OPEN...). */
export function conflict(message: string, code = "CONFLICT", details?: Record<string, unknown>): AppError {
  return new AppError(409, code, message, details);
}

export function tooManyRequests(message = "too many requests", code = "RATE_LIMITED"): AppError {
  return new AppError(429, code, message);
}

/** 503: a dependency is down; the client may retry. Fails closed. */
export function unavailable(message = "service unavailable", code = "UNAVAILABLE"): AppError {
  return new AppError(503, code, message);
}

/**
 * The closed catalogue of error codes every service answers with, each with its one HTTP status.
 * Clients switch on `code`; a code not listed here cannot be thrown (the type says so), and the
 * error handler maps anything else to one of these. Add a code here, with its status, before using it.
 */
export const ERROR_CODES = {
  // 400: the request itself is wrong
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BAD_URL: 400,
  INVALID_ID: 400,
  STARTS_IN_PAST: 400,
  // 401 / 403: who is calling
  UNAUTHORIZED: 401,
  INVALID_TOKEN: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  /** An internal call without a valid signed assertion (forged identity headers, expired, another audience). */
  INVALID_ASSERTION: 401,
  FORBIDDEN: 403,
  NOT_OWNER: 403,
  NOT_A_SELLER: 403,
  SELLER_NOT_APPROVED: 403,
  /** A seller buying in its own drop. */
  OWN_DROP: 403,
  // the waiting room: a purchase in a queued drop needs a valid admission
  ADMISSION_REQUIRED: 403,
  ADMISSION_INVALID: 403,
  // 404: nothing there
  NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  SELLER_NOT_FOUND: 404,
  PRODUCT_NOT_FOUND: 404,
  DROP_NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  NOTIFICATION_NOT_FOUND: 404,
  WATCH_NOT_FOUND: 404,
  DEAD_LETTER_NOT_FOUND: 404,
  DROP_NOT_LOADED: 404,
  NOT_IN_QUEUE: 404,
  IMAGE_NOT_FOUND: 404,
  // 405-431: what fastify itself refuses before a handler runs
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  HEADERS_TOO_LARGE: 431,
  // 409: valid, but the state forbids it
  CONFLICT: 409,
  SOLD_OUT: 409,
  LIMIT_REACHED: 409,
  NOT_OPEN: 409,
  PAUSED: 409,
  CLOSED: 409,
  PURCHASE_VOID: 409,
  ORDER_PENDING: 409,
  NOT_CANCELLABLE: 409,
  NOT_RETRYABLE: 409,
  EMAIL_TAKEN: 409,
  SELLER_EXISTS: 409,
  DROP_NOT_OPENED: 409,
  NOT_QUEUED: 409,
  DROP_ALREADY_LOADED: 409,
  INSUFFICIENT_AVAILABLE: 409,
  ADJUST_STALE: 409,
  ADJUST_BUSY: 409,
  RESYNC_STALE: 409,
  RESYNC_BUSY: 409,
  TOO_MANY_IMAGES: 409,
  // 409: the cart
  NOT_FOR_SALE: 409,
  CART_EMPTY: 409,
  CART_FULL: 409,
  LINE_UNAVAILABLE: 409,
  CHECKOUT_IN_PROGRESS: 409,
  // 422: the same Idempotency-Key with another body
  IDEMPOTENCY_KEY_REUSED: 422,
  // 429: slow down
  RATE_LIMITED: 429,
  // 5xx: ours, never the caller's fault
  INTERNAL: 500,
  UNAVAILABLE: 503,
  RESYNC_RETRY: 503,
  NOT_READY: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** True for a code in the catalogue (e.g. one an internal service answered with). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}

/** The HTTP status of a code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/**
 * The one error type routes throw on purpose. `code` is from the catalogue and decides the HTTP
 * status; `message` is for humans. Anything thrown that is not an AppError is a bug and answers
 * 500 INTERNAL.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  /** Extra fields merged into the error body, e.g. `{ field: "quantity" }`. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.statusCode = ERROR_CODES[code];
    this.details = details;
  }
}

/** Shorthands: each takes only codes of its status, so the status and the code cannot disagree. */
type CodeOf<S extends number> = { [K in ErrorCode]: (typeof ERROR_CODES)[K] extends S ? K : never }[ErrorCode];

export function badRequest(message: string, code: CodeOf<400> = "BAD_REQUEST", details?: Record<string, unknown>): AppError {
  return new AppError(code, message, details);
}

export function unauthorized(message = "authentication required", code: CodeOf<401> = "UNAUTHORIZED"): AppError {
  return new AppError(code, message);
}

export function forbidden(message = "not allowed", code: CodeOf<403> = "FORBIDDEN"): AppError {
  return new AppError(code, message);
}

export function notFound(message = "not found", code: CodeOf<404> = "NOT_FOUND"): AppError {
  return new AppError(code, message);
}

/** 409: the request is valid but the state forbids it (SOLD_OUT, LIMIT_REACHED, NOT_OPEN...). */
export function conflict(message: string, code: CodeOf<409> = "CONFLICT", details?: Record<string, unknown>): AppError {
  return new AppError(code, message, details);
}

export function tooManyRequests(message = "too many requests", code: CodeOf<429> = "RATE_LIMITED"): AppError {
  return new AppError(code, message);
}

/** 503: a dependency is down; the client may retry. Fails closed. */
export function unavailable(message = "service unavailable", code: CodeOf<503> = "UNAVAILABLE"): AppError {
  return new AppError(code, message);
}

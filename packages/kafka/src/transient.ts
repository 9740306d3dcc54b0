/**
 * Transient or permanent: what runConsumer does with a handler's failure. A transient one (a
 * dependency down or timing out) says nothing about the message: it is retried with capped backoff
 * for as long as it takes and never dead-lettered. A permanent one (a bug, a validation the event
 * fails, anything this module does not recognise) can never succeed on retry: it is retried a
 * bounded number of times, then dead-lettered with the reason.
 *
 * Recognised by shape only (codes, names, messages), so this package imports no driver:
 * - `TransientError` (throw it, or wrap a cause in it, to say "try again later" explicitly);
 * - Node network errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, EHOSTUNREACH, ENETUNREACH,
 *   EAI_AGAIN, ENOTFOUND, ECONNABORTED), also inside an AggregateError (a connect to every address
 *   of localhost) or anywhere on the `cause` chain;
 * - PostgreSQL SQLSTATE class 08 (connection), 57P01-57P03 (shutdown, crash, cannot connect now),
 *   53300 (too many connections), 40001 / 40P01 (serialization failure, deadlock: retry the
 *   transaction); pg's own "Connection terminated" and "timeout exceeded when trying to connect";
 * - Prisma P1001, P1002, P1008, P1017, P2024 and PrismaClientInitializationError, and its driver
 *   adapter's "Can't reach database server" / "Timed out fetching a new connection" /
 *   "Server has closed the connection" (a PrismaClientKnownRequestError without a code);
 * - ioredis: "Connection is closed", "Stream isn't writeable", "Command timed out",
 *   MaxRetriesPerRequestError, and the server's LOADING / BUSY / TRYAGAIN / CLUSTERDOWN /
 *   MASTERDOWN replies;
 * - kafkajs errors marked `retriable`, KafkaJSConnectionError, KafkaJSRequestTimeoutError,
 *   KafkaJSConnectionClosedError, KafkaJSNumberOfRetriesExceeded;
 * - a timeout (a `TimeoutError`, as AbortSignal.timeout rejects with);
 * - an HTTP answer 502, 503 or 504 from another service (an error with such a `statusCode`/`status`).
 */

export type FailureKind = "transient" | "permanent";

/** A failure that says "not now": runConsumer retries it until it passes, and never dead-letters it. */
export class TransientError extends Error {
  override readonly name = "TransientError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND", "ECONNABORTED", "ENOTCONN"]);
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300|40001|40P01)$/;
const PRISMA = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const NAMES = new Set([
  "TransientError",
  "TimeoutError",
  "PrismaClientInitializationError",
  "MaxRetriesPerRequestError",
  "KafkaJSConnectionError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSConnectionClosedError",
  "KafkaJSNumberOfRetriesExceeded",
]);
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Can't reach database server|Timed out fetching a new connection|Server has closed the connection|Connection is closed|Stream isn't writeable|Command timed out|^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN)\b/;
const HTTP_UNAVAILABLE = new Set([502, 503, 504]);

/** Whether `err` (or an error it wraps) is a dependency down or timing out. */
export function isTransient(err: unknown): boolean {
  return search(err, 0);
}

/** runConsumer's default classification. */
export function classifyFailure(err: unknown): FailureKind {
  return isTransient(err) ? "transient" : "permanent";
}

function search(err: unknown, depth: number): boolean {
  if (depth > 8 || typeof err !== "object" || err === null) return false;
  if (matches(err)) return true;
  const nested = err as { cause?: unknown; errors?: unknown };
  if (Array.isArray(nested.errors) && nested.errors.length > 0 && nested.errors.every((e) => search(e, depth + 1))) return true;
  return nested.cause !== undefined && search(nested.cause, depth + 1);
}

function matches(err: object): boolean {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; retriable?: unknown; statusCode?: unknown; status?: unknown };
  if (typeof e.name === "string" && NAMES.has(e.name)) return true;
  if (e.retriable === true && typeof e.name === "string" && e.name.startsWith("KafkaJS")) return true;
  if (typeof e.code === "string" && (NETWORK.has(e.code) || SQLSTATE.test(e.code) || PRISMA.has(e.code))) return true;
  const status = typeof e.statusCode === "number" ? e.statusCode : e.status;
  if (typeof status === "number" && HTTP_UNAVAILABLE.has(status)) return true;
  return typeof e.message === "string" && MESSAGES.test(e.message);
}

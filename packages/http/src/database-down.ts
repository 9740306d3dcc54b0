/**
 * PostgreSQL unreachable or shutting down is a 503 (the caller may retry), not a 500 bug. The error
 * handler applies this to whatever a route throws, so every service with a database answers 503
 * UNAVAILABLE while it is down without wrapping its queries.
 */

const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "EPIPE", "EAI_AGAIN"]);
/** SQLSTATE class 08 (connection) and the admin-shutdown / too-many-connections codes. */
const SQLSTATE = /^(08...|57P0[1-3]|53300)$/;
/** Prisma: can't reach, timed out, connection closed. */
const PRISMA = new Set(["P1001", "P1002", "P1008", "P1017"]);

export function isDatabaseDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === "PrismaClientInitializationError") return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") return /Connection terminated|timeout exceeded when trying to connect/i.test(err.message);
  return NETWORK.has(code) || SQLSTATE.test(code) || PRISMA.has(code);
}

/** PostgreSQL unreachable or shutting down is a 503 (the caller may retry), not a 500 bug. */
import { unavailable } from "@drops/http";

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

/** Runs `fn`; a database that is down becomes 503 UNAVAILABLE. */
export async function withDatabase<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isDatabaseDown(err)) throw unavailable("the order database is unavailable; retry shortly");
    throw err;
  }
}

/**
 * Helpers that let integration tests run in parallel against the one real Kafka, Redis and
 * PostgreSQL and leave nothing behind: every test names its own topics, key prefixes and schemas.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";

/** A name no other test run uses: `${prefix}_${time36}${random}`, lower-case, [a-z0-9_] only. */
export function uniqueName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return `${clean}_${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
}

/** Endpoints of the real local infrastructure (started by scripts/infra.sh). */
export const testEnv = {
  databaseUrl: process.env["DATABASE_URL"] ?? "postgresql://postgres@127.0.0.1:5432/drops",
  redisUrl: process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379",
  kafkaBrokers: (process.env["KAFKA_BROKERS"] ?? "127.0.0.1:9092").split(",").map((s) => s.trim()),
};

/** Polls `fn` until it returns a value that is not undefined/false, or throws after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${lastError instanceof Error ? `: ${lastError.name}: ${lastError.message}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A TCP port free on 127.0.0.1 right now (the OS picks it; the probe socket is closed before this
 * resolves). For a process that must be told its port up front; an in-process server listens on 0.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}

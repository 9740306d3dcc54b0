import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** A named readiness probe: resolves when the dependency answers, rejects otherwise. */
export type ReadinessChecks = Record<string, () => Promise<void>>;
export type CheckResults = Record<string, string>;
export type HealthOptions = {
  checks: ReadinessChecks;
  timeoutMs?: number;
  /** True while the instance is shutting down: /ready answers 503 whatever the checks say. */
  draining?: () => boolean;
};

function withTimeout(name: string, check: () => Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} check timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([Promise.resolve().then(check), timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check in parallel, each bounded by `timeoutMs`; "ok" or the error message per name. */
export async function runChecks(checks: ReadinessChecks, timeoutMs: number): Promise<{ ok: boolean; checks: CheckResults }> {
  const names = Object.keys(checks);
  const settled = await Promise.allSettled(names.map((name) => withTimeout(name, checks[name]!, timeoutMs)));
  const results: CheckResults = {};
  let ok = true;
  settled.forEach((s, i) => {
    const name = names[i]!;
    if (s.status === "fulfilled") results[name] = "ok";
    else {
      ok = false;
      results[name] = s.reason instanceof Error ? s.reason.message || s.reason.name : String(s.reason);
    }
  });
  return { ok, checks: results };
}

/**
 * GET /health: liveness, the process answers (never touches dependencies).
 * GET /ready: readiness, 200 `{status:"ready", checks}` or 503 `{code:"NOT_READY", checks}` (also
 * while draining: `checks.instance` is "draining", the checks are not run).
 */
async function health(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 2000;

  app.get("/health", { logLevel: "warn" }, async () => ({ status: "ok" }));

  app.get("/ready", { logLevel: "warn" }, async (request, reply) => {
    if (opts.draining?.() === true) {
      return reply.status(503).send({ code: "NOT_READY", message: "this instance is shutting down", checks: { instance: "draining" } });
    }
    const result = await runChecks(opts.checks, timeoutMs);
    if (result.ok) return { status: "ready", checks: result.checks };
    request.log.warn({ checks: result.checks }, "not ready");
    return reply.status(503).send({ code: "NOT_READY", message: "a dependency is unavailable", checks: result.checks });
  });
}

export const healthPlugin = fp(health, { name: "drops-health", fastify: "5.x" });

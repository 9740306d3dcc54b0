/**
 * The tests every service's app shares (test/app.test.ts): configuration defaults and fail-fast,
 * /health and /ready against the real infrastructure, /ready 503 with one dependency unreachable,
 * and 404 for unknown routes. Test-only: imports tap's types and @drops/testing.
 */
import type { Test } from "tap";
import type { FastifyInstance } from "fastify";
import { testEnv } from "@drops/testing";

export type ServiceAppTestOptions<C extends { PORT: number; SERVICE_NAME: string }> = {
  /** The service's buildApp: its workers are never started here. */
  buildApp: (config: C) => Promise<{ app: FastifyInstance }>;
  readConfig: (env: NodeJS.ProcessEnv) => C;
  /** The defaults of readConfig({}). */
  port: number;
  name: string;
  /** The variable the port is read from. Default: `<NAME>_PORT` (the gateway's is PORT). */
  portVar?: string;
  /** Every readiness check the app runs (GET /ready answers each "ok" on the real infrastructure). */
  checks: string[];
  /** One dependency made unreachable: its check, a label for messages, the env that breaks it. */
  broken: { check: string; label: string; env: NodeJS.ProcessEnv };
  /** Environment of the real infrastructure. Default: LOG_LEVEL silent and testEnv's URLs. */
  env?: NodeJS.ProcessEnv;
};

export function serviceAppTests<C extends { PORT: number; SERVICE_NAME: string }>(t: Test, opts: ServiceAppTestOptions<C>): void {
  const env = opts.env ?? {
    LOG_LEVEL: "silent",
    DATABASE_URL: testEnv.databaseUrl,
    REDIS_URL: testEnv.redisUrl,
    KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
  };

  void t.test("config defaults and fail-fast", async (t) => {
    const config = opts.readConfig({});
    t.equal(config.PORT, opts.port);
    t.equal(config.SERVICE_NAME, opts.name);
    const portVar = opts.portVar ?? `${opts.name.toUpperCase()}_PORT`;
    t.throws(() => opts.readConfig({ [portVar]: "http", KAFKA_BROKERS: " , " }), { name: "ConfigError", message: new RegExp(`KAFKA_BROKERS[\\s\\S]*${portVar}`) });
    t.equal(opts.readConfig({ [portVar]: "4321" }).PORT, 4321, `the port is read from ${portVar}`);
  });

  void t.test("/health and /ready against the real infrastructure", async (t) => {
    const { app } = await opts.buildApp(opts.readConfig(env));
    t.teardown(() => app.close());
    const health = await app.inject({ url: "/health" });
    t.equal(health.statusCode, 200);
    t.same(health.json(), { status: "ok" });
    const ready = await app.inject({ url: "/ready" });
    t.equal(ready.statusCode, 200, ready.body);
    t.same(ready.json(), { status: "ready", checks: Object.fromEntries(opts.checks.map((name) => [name, "ok"])) });
  });

  void t.test(`/ready is 503 when ${opts.broken.label} is unreachable`, async (t) => {
    const { app } = await opts.buildApp(opts.readConfig({ ...env, ...opts.broken.env, READY_TIMEOUT_MS: "1500" }));
    t.teardown(() => app.close());
    const started = Date.now();
    const ready = await app.inject({ url: "/ready" });
    t.ok(Date.now() - started < 5000, "answers fast");
    t.equal(ready.statusCode, 503);
    const body = ready.json<{ code: string; checks: Record<string, string> }>();
    t.equal(body.code, "NOT_READY");
    t.same(Object.keys(body.checks).sort(), [...opts.checks].sort(), "every check reported");
    t.not(body.checks[opts.broken.check], "ok");
    for (const name of opts.checks) if (name !== opts.broken.check) t.equal(body.checks[name], "ok", `${name} still ok`);
    t.equal((await app.inject({ url: "/health" })).statusCode, 200, `liveness does not depend on ${opts.broken.label}`);
  });

  void t.test("unknown routes answer 404 NOT_FOUND", async (t) => {
    const { app } = await opts.buildApp(opts.readConfig(env));
    t.teardown(() => app.close());
    const res = await app.inject({ url: "/nope" });
    t.equal(res.statusCode, 404);
    t.equal(res.json<{ code: string }>().code, "NOT_FOUND");
  });
}

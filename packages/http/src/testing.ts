/**
 * The tests every service's app shares (test/app.test.ts): configuration defaults and fail-fast,
 * /health and /ready against the real infrastructure, /ready 503 with one dependency unreachable,
 * and 404 for unknown routes. Test-only: imports tap's types and @drops/testing.
 */
import { randomUUID } from "node:crypto";
import type { Test } from "tap";
import type { FastifyInstance } from "fastify";
import { testEnv } from "@drops/testing";
import { DEV_INTERNAL_AUTH_SECRET } from "./committed-secrets.ts";
import type { Role } from "./identity.ts";
import { ASSERTION_HEADER, createInternalAuth, type InternalAuth } from "./internal-auth.ts";

/**
 * Signs like the gateway does, with the development INTERNAL_AUTH_SECRET (the default of every test
 * config): the assertions of a service's route tests.
 */
export function testInternalAuth(service = "gateway", secret = DEV_INTERNAL_AUTH_SECRET, now: () => number = Date.now): InternalAuth {
  return createInternalAuth({ secret, service, now });
}

const gatewayAuth = testInternalAuth();

/** The header of a call to `audience` made for `userId` with `roles` ("buyer,admin" or a list; default buyer), as the gateway makes it. */
export function asUser(audience: string, userId: string, roles: string | readonly Role[] = ["buyer"]): Record<string, string> {
  const list = typeof roles === "string" ? roles.split(",").map((r) => r.trim()).filter(Boolean) : [...roles];
  return gatewayAuth.headers(audience, { userId, roles: list as Role[] });
}

/** The header of a call to `audience` a service makes on its own account (role service; e.g. an /internal/* route). */
export function asService(audience: string, service = "gateway"): Record<string, string> {
  return testInternalAuth(service).headers(audience);
}

type InjectTarget = { method: "GET" | "POST" | "PUT" | "DELETE"; url: string };

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
  /**
   * Service-to-service authentication (identity.ts): `route` reads the caller (called as a buyer and
   * admin), `internal` is an /internal/* route. Forged identity headers, an assertion for another
   * service, expired, signed with another secret, `alg: none` or tampered: 401 INVALID_ASSERTION.
   */
  identity?: { route?: InjectTarget; internal?: InjectTarget };
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

  const identity = opts.identity;
  if (identity) {
    void t.test("service-to-service authentication: only a signed assertion for this service names a caller", async (t) => {
      const { app } = await opts.buildApp(opts.readConfig(env));
      t.teardown(() => app.close());
      const user = { userId: randomUUID(), roles: ["buyer", "admin"] as Role[] };
      const gateway = testInternalAuth("gateway");
      const refusedWith = async (target: InjectTarget, headers: Record<string, string>, what: string) => {
        const res = await app.inject({ ...target, headers });
        t.equal(res.statusCode, 401, `${target.url}: ${what} is 401`);
        t.equal(res.json<{ code: string }>().code, "INVALID_ASSERTION", what);
      };
      const [head, payload, signature] = gateway.sign(opts.name, user).split(".");
      const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), sub: randomUUID() })).toString("base64url");
      const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
      const hs512 = `${Buffer.from(JSON.stringify({ alg: "HS512", typ: "JWT" })).toString("base64url")}.${payload}.${signature}`;
      for (const target of [identity.route, identity.internal]) {
        if (!target) continue;
        await refusedWith(target, { "x-user-id": user.userId, "x-user-roles": "buyer,admin" }, "forged identity headers without an assertion");
        await refusedWith(target, gateway.headers(opts.name === "catalog" ? "order" : "catalog", user), "an assertion for another service");
        await refusedWith(target, { [ASSERTION_HEADER]: gateway.sign(opts.name, user, { nowMs: Date.now() - 120_000 }) }, "an expired assertion");
        await refusedWith(target, { [ASSERTION_HEADER]: testInternalAuth("gateway", "another-secret-0123456789-0123456789-abc").sign(opts.name, user) }, "an assertion signed with another secret");
        await refusedWith(target, { [ASSERTION_HEADER]: none }, "alg none");
        await refusedWith(target, { [ASSERTION_HEADER]: hs512 }, "another alg");
        await refusedWith(target, { [ASSERTION_HEADER]: `${head}.${forgedPayload}.${signature}` }, "a tampered payload");
        await refusedWith(target, { [ASSERTION_HEADER]: "garbage" }, "garbage");
        const ok = await app.inject({ ...target, headers: gateway.headers(opts.name, user) });
        t.not(ok.statusCode, 401, `${target.url}: a valid assertion passes (${ok.statusCode})`);
      }
      if (identity.route) {
        const asService = await app.inject({ ...identity.route, headers: gateway.headers(opts.name) });
        t.equal(asService.statusCode, 401, "a service's own assertion names no user");
      }
      if (identity.internal) {
        const bare = await app.inject(identity.internal);
        t.equal(bare.statusCode, 401, "an internal route without an assertion is 401");
        const asService = await app.inject({ ...identity.internal, headers: gateway.headers(opts.name) });
        t.not(asService.statusCode, 401, "an internal route takes a service's assertion");
      }
    });
  }

  void t.test("unknown routes answer 404 NOT_FOUND", async (t) => {
    const { app } = await opts.buildApp(opts.readConfig(env));
    t.teardown(() => app.close());
    const res = await app.inject({ url: "/nope" });
    t.equal(res.statusCode, 404);
    t.equal(res.json<{ code: string }>().code, "NOT_FOUND");
  });
}

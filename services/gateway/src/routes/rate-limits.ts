/**
 * Rate limits (@fastify/rate-limit on the stock Redis, so every gateway instance counts together):
 *   login     per IP (every attempt) and per account (failed attempts only: a 401 counts, so a buyer who
 *             logs in often is never locked out, a password guesser is after LOGIN_FAILURES_PER_ACCOUNT)
 *   signup    per IP
 *   purchase  per verified buyer (generous: one-click buys and the benchmark's distinct buyers never meet it)
 *   checkout  per verified buyer
 * 429 RATE_LIMITED {code, message} with Retry-After (seconds). Each limit is a preHandler, so it runs
 * after validation (a malformed request is a 400 and counts nothing) and, on the purchase route, after
 * the sold-out shortcut of its onRequest hook: a loser answered from the in-memory flag never reaches
 * the limiter, so the sold-out fast path costs no Redis round trip. An accepted attempt costs one (the
 * counter's script) before the reservation. Redis unreachable: the limiter steps aside (skipOnError)
 * and the route answers as it would; the purchase itself then fails closed on Redis. The hooks are
 * attached by route (method and URL) from here, so the route files stay as they are. Keys: the
 * plugin's manual limiter (createRateLimit) names them `<prefix>rate-limit:undefinedundefined-<limit>:<who>`
 * (it has no route of its own to put in the middle); `<limit>:<who>` is ours.
 */
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest, onResponseHookHandler, preHandlerAsyncHookHandler } from "fastify";
import type { StockRedis } from "@drops/redis";
import { tooManyRequests } from "@drops/http";
import type { TokenSigner } from "../domain/jwt.ts";
import { verifiedUserWithRole } from "./authenticate.ts";

export type RateLimitConfig = {
  LOGIN_FAILURES_PER_ACCOUNT: number;
  LOGINS_PER_IP: number;
  LOGIN_WINDOW_SECONDS: number;
  SIGNUPS_PER_IP: number;
  SIGNUP_WINDOW_SECONDS: number;
  PURCHASES_PER_USER: number;
  PURCHASE_WINDOW_SECONDS: number;
  CHECKOUTS_PER_USER: number;
  CHECKOUT_WINDOW_SECONDS: number;
};

type Limit = {
  name: string;
  max: number;
  windowSeconds: number;
  /** The counter's key for this request; undefined: not counted (e.g. no verified buyer: the route answers 401). */
  key: (request: FastifyRequest) => string | undefined;
  /** Count only answers with this status (a failed login); the check before the handler only reads. */
  countOnly?: number;
  /** What the 429 says. */
  message: string;
};

type RouteLimits = { method: string; url: string; limits: Limit[] };

const emailOf = (request: FastifyRequest): string | undefined => {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === "string" ? email.trim().toLowerCase() : undefined;
};

/** The routes and their limits (a max of 0 turns a limit off). */
export function routeLimits(config: RateLimitConfig, tokens: TokenSigner): RouteLimits[] {
  const buyer = (request: FastifyRequest) => verifiedUserWithRole(request, tokens, "buyer");
  return [
    {
      method: "POST", url: "/api/auth/login", limits: [
        { name: "login-ip", max: config.LOGINS_PER_IP, windowSeconds: config.LOGIN_WINDOW_SECONDS, key: (r) => r.ip, message: "too many login attempts from this address; retry later" },
        { name: "login-account", max: config.LOGIN_FAILURES_PER_ACCOUNT, windowSeconds: config.LOGIN_WINDOW_SECONDS, key: emailOf, countOnly: 401, message: "too many failed logins for this account; retry later" },
      ],
    },
    { method: "POST", url: "/api/auth/signup", limits: [{ name: "signup-ip", max: config.SIGNUPS_PER_IP, windowSeconds: config.SIGNUP_WINDOW_SECONDS, key: (r) => r.ip, message: "too many signups from this address; retry later" }] },
    { method: "POST", url: "/api/drops/:dropId/purchases", limits: [{ name: "purchase-user", max: config.PURCHASES_PER_USER, windowSeconds: config.PURCHASE_WINDOW_SECONDS, key: buyer, message: "too many purchase attempts; retry later" }] },
    { method: "POST", url: "/api/cart/checkout", limits: [{ name: "checkout-user", max: config.CHECKOUTS_PER_USER, windowSeconds: config.CHECKOUT_WINDOW_SECONDS, key: buyer, message: "too many checkouts; retry later" }] },
  ];
}

function appendHook<H>(existing: H | H[] | undefined, hook: H): H[] {
  if (existing === undefined) return [hook];
  return Array.isArray(existing) ? [...existing, hook] : [existing, hook];
}

/**
 * Registers @fastify/rate-limit (no global limit) on `redis` under `${prefix}rate-limit:` and attaches
 * the limits of `routeLimits` to their routes as they are added: call before registering the routes.
 */
export async function registerRateLimits(app: FastifyInstance, opts: { redis: StockRedis; prefix: string; config: RateLimitConfig; tokens: TokenSigner }): Promise<void> {
  await app.register(rateLimit, { global: false, redis: opts.redis, nameSpace: `${opts.prefix}rate-limit:`, skipOnError: true });
  const table = routeLimits(opts.config, opts.tokens);
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const entry = table.find((e) => e.url === route.url && methods.includes(e.method as never));
    const limits = entry?.limits.filter((l) => l.max > 0) ?? [];
    if (limits.length === 0) return;
    const checks = limits.map((l) => ({
      limit: l,
      check: app.createRateLimit({ max: l.max, timeWindow: l.windowSeconds * 1000, keyGenerator: (r) => `${l.name}:${l.key(r) ?? ""}` }),
    }));
    const before: preHandlerAsyncHookHandler = async function (request, reply) {
      for (const { limit, check } of checks) {
        if (limit.key(request) === undefined) continue;
        const r = await check(request, limit.countOnly === undefined ? undefined : { increment: false });
        // countOnly: the counter holds past failures (read, not counted); at the max, the next attempt is refused.
        const over = !r.isAllowed && (limit.countOnly === undefined ? r.isExceeded : r.remaining === 0);
        if (over) {
          reply.header("retry-after", String(Math.max(1, r.ttlInSeconds)));
          throw tooManyRequests(limit.message);
        }
      }
    };
    route.preHandler = appendHook(route.preHandler, before);
    const counted = checks.filter((c) => c.limit.countOnly !== undefined);
    if (counted.length > 0) {
      const after: onResponseHookHandler = (request, reply, done) => {
        for (const { limit, check } of counted) {
          if (reply.statusCode === limit.countOnly && limit.key(request) !== undefined) {
            check(request).catch((err: unknown) => request.log.warn({ err, limit: limit.name }, "rate limit not counted"));
          }
        }
        done();
      };
      route.onResponse = appendHook(route.onResponse, after);
    }
  });
}

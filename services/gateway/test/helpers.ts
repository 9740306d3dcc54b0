/**
 * The gateway in front of a real catalog (fresh schema, listening on a free port), on the real Redis
 * under a unique STOCK_KEY_PREFIX where "the inventory" (this helper) has recorded its stock script
 * version, and the real Kafka. Everything is torn down with the test.
 */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { Redis } from "ioredis";
import { SCRIPT_VERSION } from "@drops/inventory-service/purchase";
import { deleteKeysWithPrefix } from "@drops/redis";
import { testEnv, uniqueName } from "@drops/testing";
import { testCatalog, type Catalog } from "../../catalog/test/helpers.ts";
import { buildApp, type Gateway, type GatewayOptions } from "../src/app.ts";
import { readConfig } from "../src/config.ts";

type Teardown = { teardown: (fn: () => unknown) => void };
export type Session = { userId: string; accessToken: string };
export type Stack = {
  catalog: Catalog;
  gateway: FastifyInstance;
  /** The gateway with its worker (not started), stock feed and purchase stats. */
  gw: Gateway;
  catalogUrl: string;
  /** The stock keys' namespace of this test, and a Redis connection of the test's own. */
  prefix: string;
  redis: Redis;
  call: (method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }) => Promise<LightMyRequestResponse>;
  signup: (name?: string) => Promise<Session & { email: string }>;
  admin: () => Promise<Session>;
  /** A signed-up user whose seller application an admin approved. */
  seller: (name?: string) => Promise<Session & { sellerId: string }>;
};

export const gatewayEnv = (catalogUrl: string) => ({
  LOG_LEVEL: "silent",
  REDIS_URL: testEnv.redisUrl,
  KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
  CATALOG_URL: catalogUrl,
});

/** The key where the inventory records its stock script version (its keys.ts `scriptVersionKey`). */
export const scriptVersionKey = (prefix: string) => `${prefix}stock:script-version`;

/** A unique key prefix on the real Redis (every key under it deleted when the test ends) and a connection. */
export async function stockRedis(t: Teardown, opts: { version?: string | null } = {}): Promise<{ prefix: string; redis: Redis }> {
  const prefix = `${uniqueName("gw")}:`;
  const redis = new Redis(testEnv.redisUrl);
  t.teardown(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });
  const version = opts.version === undefined ? SCRIPT_VERSION : opts.version;
  if (version !== null) await redis.set(scriptVersionKey(prefix), version);
  return { prefix, redis };
}

let counter = 0;

/** The catalog and a gateway in front of it; `env` adds gateway settings. */
export async function testStack(t: Teardown, opts: GatewayOptions = {}, env: Record<string, string> = {}): Promise<Stack> {
  const catalog = await testCatalog(t);
  const catalogUrl = await catalog.app.listen({ host: "127.0.0.1", port: 0 });
  const { prefix, redis } = await stockRedis(t);
  const gw = await buildApp(readConfig({ ...gatewayEnv(catalogUrl), STOCK_KEY_PREFIX: prefix, ...env }), undefined, opts);
  const gateway = gw.app;
  t.teardown(() => gateway.close());
  const call: Stack["call"] = (method, url, o = {}) =>
    gateway.inject({
      method, url,
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    });
  const signup: Stack["signup"] = async (name = "user") => {
    const email = `${name}-${++counter}@gw.test`;
    const res = await call("POST", "/api/auth/signup", { body: { email, password: "password-123", displayName: name } });
    if (res.statusCode !== 201) throw new Error(`signup: ${res.body}`);
    return { ...res.json<Session>(), email };
  };
  const admin: Stack["admin"] = async () => {
    const res = await call("POST", "/api/auth/login", { body: { email: "admin@test.local", password: "admin-password" } });
    if (res.statusCode !== 200) throw new Error(`admin login: ${res.body}`);
    return res.json<Session>();
  };
  const seller: Stack["seller"] = async (name = "seller") => {
    const u = await signup(name);
    const applied = await call("POST", "/api/sellers", { token: u.accessToken, body: { businessName: `${name} ltd`, contactEmail: u.email } });
    const { sellerId } = applied.json<{ sellerId: string }>();
    const ok = await call("POST", `/api/admin/sellers/${sellerId}/approve`, { token: (await admin()).accessToken });
    if (ok.statusCode !== 200) throw new Error(`approve: ${ok.body}`);
    return { ...u, sellerId };
  };
  return { catalog, gateway, gw, catalogUrl, prefix, redis, call, signup, admin, seller };
}

export function inSeconds(s: number): string {
  return new Date(Date.now() + s * 1000).toISOString();
}

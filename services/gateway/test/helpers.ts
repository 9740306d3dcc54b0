import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { testEnv } from "@drops/testing";
import { testCatalog, type Catalog } from "../../catalog/test/helpers.ts";
import { buildGateway, type Gateway, type GatewayOptions } from "../src/app.ts";
import { readConfig } from "../src/config.ts";

type Teardown = { teardown: (fn: () => unknown) => void };
export type Session = { userId: string; accessToken: string };
export type Stack = {
  catalog: Catalog;
  gateway: FastifyInstance;
  /** The gateway with its stock feed (not started) and purchase stats. */
  gw: Gateway;
  catalogUrl: string;
  call: (method: "GET" | "POST" | "PATCH", url: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }) => Promise<LightMyRequestResponse>;
  signup: (name?: string) => Promise<Session & { email: string }>;
  admin: () => Promise<Session>;
  /** A signed-up user whose seller application an admin approved. */
  seller: (name?: string) => Promise<Session & { sellerId: string }>;
};

export const gatewayEnv = (catalogUrl: string) => ({
  LOG_LEVEL: "silent",
  DATABASE_URL: testEnv.databaseUrl,
  REDIS_URL: testEnv.redisUrl,
  KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
  CATALOG_URL: catalogUrl,
});

let counter = 0;

/** The catalog (fresh schema, listening on a free port) and a gateway in front of it; `env` adds gateway settings. */
export async function testStack(t: Teardown, opts: GatewayOptions = {}, env: Record<string, string> = {}): Promise<Stack> {
  const catalog = await testCatalog(t);
  const catalogUrl = await catalog.app.listen({ host: "127.0.0.1", port: 0 });
  const gw = await buildGateway(readConfig({ ...gatewayEnv(catalogUrl), ...env }), undefined, opts);
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
  return { catalog, gateway, gw, catalogUrl, call, signup, admin, seller };
}

export function inSeconds(s: number): string {
  return new Date(Date.now() + s * 1000).toISOString();
}

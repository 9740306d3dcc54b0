/**
 * Configuration shared by every service. Imports only @drops/config so a service's
 * instrument.ts can read it before any instrumented module (fastify, http) is loaded.
 */
import { ConfigError, commonSpec, fromEnv, hostPorts, int, loadConfig, port, str, type ConfigOf, type Parser } from "@drops/config";
import { DEV_INTERNAL_AUTH_SECRET, committedSecretProblems } from "./committed-secrets.ts";

export { COMMITTED_SECRETS, DEV_ADMIN_PASSWORD, DEV_ADMISSION_SECRET, DEV_INTERNAL_AUTH_SECRET, DEV_JWT_SECRET, committedSecretProblems } from "./committed-secrets.ts";

/**
 * commonSpec plus the variables of the service shell, with the service's default port. The port is
 * read from `<NAME>_PORT` (CATALOG_PORT, ORDER_PORT, ...) so one environment can start every service;
 * only the gateway, the public entry, reads plain PORT (it passes `portVar: "PORT"`).
 */
export function serviceSpec(name: string, defaultPort: number, opts: { portVar?: string } = {}) {
  const portVar = opts.portVar ?? `${name.toUpperCase().replaceAll("-", "_")}_PORT`;
  return {
    ...commonSpec,
    SERVICE_NAME: str(name, "service name in logs, traces and metrics"),
    PORT: fromEnv(portVar, { ...port(defaultPort), describe: `the TCP port this service listens on (${portVar})` }),
    SHUTDOWN_GRACE_MS: int(10_000, { min: 0, max: 600_000 }, "milliseconds allowed for a graceful shutdown (drain included)"),
    SHUTDOWN_DRAIN_MS: int(0, { min: 0, max: 600_000 }, "milliseconds a stopping instance keeps serving with /ready false before it stops (behind a load balancer: longer than its health check takes to see it; 0 without one)"),
    READY_TIMEOUT_MS: int(2_000, { min: 10, max: 60_000 }, "per-dependency timeout of GET /ready in milliseconds"),
    BODY_LIMIT_BYTES: int(1_048_576, { min: 1_024, max: 104_857_600 }, "maximum request body in bytes"),
    INTERNAL_AUTH_SECRET: str(DEV_INTERNAL_AUTH_SECRET, "HMAC secret of the signed assertions on every service-to-service call (at least 32 characters; the same on every service; the default is refused with NODE_ENV=production)"),
  };
}

/**
 * The stock Redis's variable, read by the services that run the stock scripts (inventory, gateway,
 * cart): empty, the stock lives on REDIS_URL as everything else; a list of a Redis Cluster's nodes,
 * the stock lives on that cluster (ioredis' Cluster client) and REDIS_URL keeps the rest (carts,
 * rankings, the live push). Redlock never uses the cluster (the inventory's REDLOCK_URLS).
 */
export const stockRedisSpec = {
  STOCK_REDIS_CLUSTER_NODES: hostPorts([], "the stock Redis as a Redis Cluster: comma-separated host:port of its nodes (any of them; empty: the stock is on REDIS_URL)"),
};

/** Where a service's stock Redis is: REDIS_URL, or the cluster of STOCK_REDIS_CLUSTER_NODES. */
export function stockRedisTarget(config: { REDIS_URL: string; STOCK_REDIS_CLUSTER_NODES: readonly string[] }): { url: string; clusterNodes: readonly string[] } {
  return { url: config.REDIS_URL, clusterNodes: config.STOCK_REDIS_CLUSTER_NODES };
}

/** loadConfig, but a bad configuration prints every problem and exits 1 (fail fast at start). */
export function loadConfigOrExit<S extends Record<string, Parser<unknown>>>(spec: S, env: NodeJS.ProcessEnv = process.env, name = "service"): ConfigOf<S> {
  try {
    return loadConfig(spec, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

export type ConfigReaders<C> = {
  /** Parses `env`; throws ConfigError listing every problem (or the check's Error). */
  readConfig: (env?: NodeJS.ProcessEnv) => C;
  /** For entry points: prints every problem and exits 1 on a bad configuration. */
  readConfigOrExit: () => C;
};

/**
 * The checks every service's config gets: INTERNAL_AUTH_SECRET long enough, and, with
 * NODE_ENV=production, no secret or password that is committed in the repository (committed-secrets.ts).
 * Throws ConfigError listing every problem.
 */
export function checkSecrets<C extends Record<string, unknown>>(config: C): C {
  const problems = committedSecretProblems(config);
  const internal = config["INTERNAL_AUTH_SECRET"];
  if (typeof internal === "string" && internal.length < 32) problems.unshift("INTERNAL_AUTH_SECRET must be at least 32 characters");
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * A service's `readConfig` / `readConfigOrExit` from its spec, with an optional cross-field `check`
 * (throws Error with a message) run after every variable parsed and after checkSecrets.
 */
export function configReaders<S extends Record<string, Parser<unknown>>>(spec: S, name: string, check: (config: ConfigOf<S>) => ConfigOf<S> = (c) => c): ConfigReaders<ConfigOf<S>> {
  return {
    readConfig: (env = process.env) => check(checkSecrets(loadConfig(spec, env))),
    readConfigOrExit: () => {
      const config = loadConfigOrExit(spec, process.env, name);
      try {
        return check(checkSecrets(config));
      } catch (err) {
        if (err instanceof ConfigError) process.stderr.write(`${name}: ${err.message}\n`);
        else process.stderr.write(`${name}: Invalid configuration:\n  - ${(err as Error).message}\n`);
        process.exit(1);
      }
    },
  };
}

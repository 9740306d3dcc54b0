/**
 * Configuration shared by every service. Imports only @drops/config so a service's
 * instrument.ts can read it before any instrumented module (fastify, http) is loaded.
 */
import { ConfigError, commonSpec, fromEnv, int, loadConfig, port, str, type ConfigOf, type Parser } from "@drops/config";

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
    SHUTDOWN_GRACE_MS: int(10_000, { min: 0, max: 600_000 }, "milliseconds allowed for a graceful shutdown"),
    READY_TIMEOUT_MS: int(2_000, { min: 10, max: 60_000 }, "per-dependency timeout of GET /ready in milliseconds"),
    BODY_LIMIT_BYTES: int(1_048_576, { min: 1_024, max: 104_857_600 }, "maximum request body in bytes"),
  };
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
 * A service's `readConfig` / `readConfigOrExit` from its spec, with an optional cross-field `check`
 * (throws Error with a message) run after every variable parsed.
 */
export function configReaders<S extends Record<string, Parser<unknown>>>(spec: S, name: string, check: (config: ConfigOf<S>) => ConfigOf<S> = (c) => c): ConfigReaders<ConfigOf<S>> {
  return {
    readConfig: (env = process.env) => check(loadConfig(spec, env)),
    readConfigOrExit: () => {
      const config = loadConfigOrExit(spec, process.env, name);
      try {
        return check(config);
      } catch (err) {
        process.stderr.write(`${name}: Invalid configuration:\n  - ${(err as Error).message}\n`);
        process.exit(1);
      }
    },
  };
}

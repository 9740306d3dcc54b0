/**
 * Configuration is read from the environment in exactly one place per service:
 * `loadConfig(spec)` validates every variable at start and throws one ConfigError
 * listing every bad or missing value, so a service never starts half-configured.
 */

export type Parser<T> = {
  /** Parses a raw value; returns the value or throws Error with a human message. */
  parse(raw: string): T;
  /** Used when the variable is unset or empty; absent means required. */
  default?: T;
  describe: string;
  /** The environment variable read, when it is not the spec key (e.g. key PORT read from CATALOG_PORT). */
  env?: string;
};

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

type Spec = Record<string, Parser<unknown>>;
export type ConfigOf<S extends Spec> = { [K in keyof S]: S[K] extends Parser<infer T> ? T : never };

export function loadConfig<S extends Spec>(spec: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, parser] of Object.entries(spec)) {
    const name = parser.env ?? key;
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") {
      if ("default" in parser) out[key] = parser.default;
      else problems.push(`${name} is required (${parser.describe})`);
      continue;
    }
    try {
      out[key] = parser.parse(raw.trim());
    } catch (err) {
      problems.push(`${name}=${JSON.stringify(raw)} is invalid: ${(err as Error).message} (${parser.describe})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

function withDefault<T>(p: Omit<Parser<T>, "default">, def: T | undefined): Parser<T> {
  return def === undefined ? p : { ...p, default: def };
}

export function str(def?: string, describe = "a string"): Parser<string> {
  return withDefault({ describe, parse: (raw) => raw }, def);
}

export function int(def?: number, opts: { min?: number; max?: number } = {}, describe = "an integer"): Parser<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts;
  return withDefault(
    {
      describe: `${describe} between ${min} and ${max}`,
      parse: (raw) => {
        if (!/^-?\d+$/.test(raw)) throw new Error("not an integer");
        const n = Number(raw);
        if (n < min || n > max) throw new Error(`out of range ${min}..${max}`);
        return n;
      },
    },
    def,
  );
}

export function num(def?: number, opts: { min?: number; max?: number } = {}, describe = "a number"): Parser<number> {
  const { min = -Infinity, max = Infinity } = opts;
  return withDefault(
    {
      describe: `${describe} between ${min} and ${max}`,
      parse: (raw) => {
        const n = Number(raw);
        if (!Number.isFinite(n)) throw new Error("not a number");
        if (n < min || n > max) throw new Error(`out of range ${min}..${max}`);
        return n;
      },
    },
    def,
  );
}

/** `parser`, read from the variable `name` instead of its spec key. */
export function fromEnv<T>(name: string, parser: Parser<T>): Parser<T> {
  return { ...parser, env: name };
}

export function port(def?: number): Parser<number> {
  return int(def, { min: 0, max: 65535 }, "a TCP port");
}

export function bool(def?: boolean): Parser<boolean> {
  return withDefault(
    {
      describe: "true or false",
      parse: (raw) => {
        const v = raw.toLowerCase();
        if (["1", "true", "yes", "on"].includes(v)) return true;
        if (["0", "false", "no", "off"].includes(v)) return false;
        throw new Error("not a boolean");
      },
    },
    def,
  );
}

export function url(def?: string, protocols: string[] = [], describe = "a URL"): Parser<string> {
  return withDefault(
    {
      describe: protocols.length ? `${describe} (${protocols.join(", ")})` : describe,
      parse: (raw) => {
        let u: URL;
        try {
          u = new URL(raw);
        } catch {
          throw new Error("not a URL");
        }
        if (protocols.length && !protocols.includes(u.protocol.replace(/:$/, ""))) {
          throw new Error(`protocol must be one of ${protocols.join(", ")}`);
        }
        return raw;
      },
    },
    def,
  );
}

/** Comma-separated list of non-empty items, e.g. KAFKA_BROKERS=host1:9092,host2:9092. */
export function list(def?: string[], describe = "a comma-separated list"): Parser<string[]> {
  return withDefault(
    {
      describe,
      parse: (raw) => {
        const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
        if (items.length === 0) throw new Error("empty list");
        return items;
      },
    },
    def,
  );
}

/**
 * Comma-separated `host:port` list (e.g. STOCK_REDIS_CLUSTER_NODES=127.0.0.1:7000,127.0.0.1:7001);
 * every item is checked (a port 1..65535, a host without spaces; IPv6 in brackets), each bad one named.
 */
export function hostPorts(def?: string[], describe = "a comma-separated host:port list"): Parser<string[]> {
  return withDefault(
    {
      describe,
      parse: (raw) => {
        const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
        if (items.length === 0) throw new Error("empty list");
        const bad = items.filter((item) => {
          const m = /^([^\s:/]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(item);
          return !m || Number(m[2]) < 1 || Number(m[2]) > 65535;
        });
        if (bad.length > 0) throw new Error(`not host:port: ${bad.map((b) => JSON.stringify(b)).join(", ")}`);
        return items;
      },
    },
    def,
  );
}

export function oneOf<const T extends string>(values: readonly T[], def?: T): Parser<T> {
  return withDefault(
    {
      describe: `one of ${values.join(", ")}`,
      parse: (raw) => {
        if (!(values as readonly string[]).includes(raw)) throw new Error("unknown value");
        return raw as T;
      },
    },
    def,
  );
}

/** The variables every service reads: infrastructure endpoints and identity. */
export const commonSpec = {
  NODE_ENV: oneOf(["development", "test", "production"] as const, "development"),
  LOG_LEVEL: oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const, "info"),
  HOST: str("127.0.0.1", "interface to listen on"),
  DATABASE_URL: url("postgresql://postgres@127.0.0.1:5432/drops", ["postgres", "postgresql"]),
  DATABASE_POOL_MAX: int(10, { min: 1, max: 500 }, "connections of each PostgreSQL pool of the service (its SQL pool, and Prisma's where it has one): size it so that every instance's pools together stay under the server's max_connections"),
  REDIS_URL: url("redis://127.0.0.1:6379", ["redis", "rediss"]),
  KAFKA_BROKERS: list(["127.0.0.1:9092"], "comma-separated host:port list"),
  /** Tracing (@drops/telemetry): off loads no trace SDK. */
  OTEL_ENABLED: bool(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: str("", "OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318; empty disables export"),
  OTEL_SAMPLE_RATIO: num(1, { min: 0, max: 1 }, "share of new traces sampled (parent-based; compensated sagas are always kept)"),
  /** Metrics are on by default: GET /metrics on the service's own port, or on METRICS_PORT when set. */
  METRICS_ENABLED: bool(true),
  METRICS_PORT: { ...port(0), describe: "a separate port for GET /metrics (0: served on the service's own port)" },
  METRICS_HOST: str("127.0.0.1", "interface of the separate METRICS_PORT"),
};


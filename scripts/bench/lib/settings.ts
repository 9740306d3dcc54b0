/**
 * The flash-drop benchmark's parameters, all from the environment (every problem reported at once).
 * BENCH_SCALE picks the defaults: `full` is the brief's flash drop, `smoke` a few hundred requests for
 * the test suite. See docs/performance.md for the table.
 */
import { SERVICES, type ServiceName } from "@drops/e2e";

export type StackEnv = Partial<Record<ServiceName, Record<string, string>>>;

export type Variant = { name: string; env: StackEnv; spec: string };

export type Settings = {
  scale: "full" | "smoke";
  units: number;
  perBuyerLimit: number;
  holdSeconds: number;
  buyers: number;
  attempts: number;
  threads: number;
  rampS: number;
  opensInMs: number;
  jmeterLeadMs: number;
  buyerSource: "signup" | "mint";
  signupConcurrency: number;
  paymentMethod: string;
  gatewayUrl: string | undefined;
  instances: Partial<Record<ServiceName, number>>;
  ceiling: boolean;
  baseline: Variant;
  variants: Variant[];
  settleTimeoutS: number;
  extraPlans: boolean;
  extraThreads: number;
  extraLoops: number;
  dashboards: boolean;
  outDir: string | undefined;
  doc: string | undefined;
  json: string | undefined;
  maxMinutes: number;
  jmeterHeap: string | undefined;
};

const DEFAULTS = {
  full: { units: 1000, buyers: 10_000, attempts: 50_000, threads: 256, settleTimeoutS: 180, extraThreads: 32, extraLoops: 200, maxMinutes: 90, doc: "docs/performance.md" },
  smoke: { units: 20, buyers: 60, attempts: 300, threads: 8, settleTimeoutS: 90, extraThreads: 4, extraLoops: 5, maxMinutes: 15, doc: undefined },
} as const;

/**
 * `[service.]KEY=VALUE,...`: extra environment for the stack's processes (no service: all of them).
 * A variant is `name:` followed by that; several variants are separated by `;`.
 */
export function parseStackEnv(spec: string, problems: string[], what: string): StackEnv {
  const env: StackEnv = {};
  for (const item of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf("=");
    if (eq <= 0) {
      problems.push(`${what}: "${item}" is not [service.]KEY=VALUE`);
      continue;
    }
    const lhs = item.slice(0, eq);
    const value = item.slice(eq + 1);
    const dot = lhs.indexOf(".");
    const service = dot > 0 ? lhs.slice(0, dot) : undefined;
    const key = dot > 0 ? lhs.slice(dot + 1) : lhs;
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) problems.push(`${what}: "${key}" is not an environment variable name`);
    if (service !== undefined && !(SERVICES as readonly string[]).includes(service)) {
      problems.push(`${what}: unknown service "${service}" (${SERVICES.join(", ")})`);
      continue;
    }
    for (const s of service ? [service as ServiceName] : SERVICES) env[s] = { ...(env[s] ?? {}), [key]: value };
  }
  return env;
}

/**
 * What every stack the benchmark starts gets before BENCH_ENV / BENCH_VARIANTS: it signs its buyers up
 * from one host, which the gateway's per-address signup limit (SIGNUPS_PER_IP) would throttle, so that
 * limit is off. The purchase limit (PURCHASES_PER_USER) stays: its buyers are distinct users, each far
 * below it, and sold-out answers are not counted. A gateway of BENCH_GATEWAY_URL needs the same.
 */
export const BENCH_STACK_ENV: StackEnv = { gateway: { SIGNUPS_PER_IP: "0" } };

function withBenchDefaults(stackEnv: StackEnv): StackEnv {
  return { ...stackEnv, gateway: { ...BENCH_STACK_ENV.gateway, ...stackEnv.gateway } };
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const problems: string[] = [];
  const rawScale = env["BENCH_SCALE"] ?? "full";
  const scale = rawScale === "smoke" ? "smoke" : "full";
  if (rawScale !== "smoke" && rawScale !== "full") problems.push(`BENCH_SCALE must be full or smoke (got ${rawScale})`);
  const d = DEFAULTS[scale];
  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got ${raw})`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    if (["1", "true", "yes"].includes(raw)) return true;
    if (["0", "false", "no"].includes(raw)) return false;
    problems.push(`${name} must be 1 or 0 (got ${raw})`);
    return fallback;
  };
  const optional = (name: string, fallback: string | undefined): string | undefined => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    return raw === "" || raw === "none" || raw === "0" ? undefined : raw;
  };

  const instances: Partial<Record<ServiceName, number>> = {};
  for (const item of (env["BENCH_INSTANCES"] ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const [name, n] = item.split("=");
    if (!name || !(SERVICES as readonly string[]).includes(name) || !Number.isInteger(Number(n)) || Number(n) < 1) {
      problems.push(`BENCH_INSTANCES: "${item}" is not service=count (${SERVICES.join(", ")})`);
      continue;
    }
    instances[name as ServiceName] = Number(n);
  }

  const baselineSpec = env["BENCH_ENV"] ?? "";
  const baseline: Variant = { name: "platform", env: withBenchDefaults(parseStackEnv(baselineSpec, problems, "BENCH_ENV")), spec: baselineSpec };
  const variants: Variant[] = [];
  for (const v of (env["BENCH_VARIANTS"] ?? "").split(";").map((s) => s.trim()).filter(Boolean)) {
    const colon = v.indexOf(":");
    const name = colon > 0 ? v.slice(0, colon).trim() : "";
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      problems.push(`BENCH_VARIANTS: "${v}" must be name:[service.]KEY=VALUE,... (name in [a-z0-9-])`);
      continue;
    }
    const spec = [baselineSpec, v.slice(colon + 1)].filter(Boolean).join(",");
    variants.push({ name, env: withBenchDefaults(parseStackEnv(spec, problems, `BENCH_VARIANTS ${name}`)), spec: v.slice(colon + 1) });
  }

  const gatewayUrl = optional("BENCH_GATEWAY_URL", undefined)?.replace(/\/$/, "");
  if (gatewayUrl && variants.length > 0) problems.push("BENCH_VARIANTS needs stacks this run starts: not with BENCH_GATEWAY_URL");
  const rawSource = env["BENCH_BUYER_SOURCE"] ?? "signup";
  if (rawSource !== "signup" && rawSource !== "mint") problems.push(`BENCH_BUYER_SOURCE must be signup or mint (got ${rawSource})`);
  if (rawSource === "mint" && gatewayUrl) problems.push("BENCH_BUYER_SOURCE=mint signs tokens with the e2e stack's secret: not with BENCH_GATEWAY_URL");

  const s: Settings = {
    scale,
    units: int("BENCH_UNITS", d.units, 1, 1_000_000),
    perBuyerLimit: int("BENCH_LIMIT", 1, 1, 100),
    holdSeconds: int("BENCH_HOLD_S", 120, 10, 3600),
    buyers: int("BENCH_BUYERS", d.buyers, 1, 1_000_000),
    attempts: int("BENCH_ATTEMPTS", d.attempts, 1, 10_000_000),
    threads: int("BENCH_THREADS", d.threads, 1, 10_000),
    rampS: int("BENCH_RAMP_S", 0, 0, 3600),
    opensInMs: int("BENCH_OPENS_IN_MS", 15_000, 6_000, 600_000),
    jmeterLeadMs: int("BENCH_JMETER_LEAD_MS", 10_000, 1_000, 600_000),
    buyerSource: rawSource === "mint" ? "mint" : "signup",
    signupConcurrency: int("BENCH_SIGNUP_CONCURRENCY", 8, 1, 256),
    paymentMethod: env["BENCH_PAYMENT_METHOD"] ?? "pm_card_ok",
    gatewayUrl,
    instances,
    ceiling: bool("BENCH_CEILING", true),
    baseline,
    variants,
    settleTimeoutS: int("BENCH_SETTLE_TIMEOUT_S", d.settleTimeoutS, 5, 3600),
    extraPlans: bool("BENCH_EXTRA_PLANS", true),
    extraThreads: int("BENCH_EXTRA_THREADS", d.extraThreads, 1, 1000),
    extraLoops: int("BENCH_EXTRA_LOOPS", d.extraLoops, 1, 1_000_000),
    dashboards: bool("BENCH_DASHBOARDS", true),
    outDir: optional("BENCH_OUT", undefined),
    doc: optional("BENCH_DOC", d.doc),
    json: optional("BENCH_JSON", undefined),
    maxMinutes: int("BENCH_MAX_MINUTES", d.maxMinutes, 1, 24 * 60),
    jmeterHeap: optional("BENCH_JMETER_HEAP", undefined),
  };
  if (!/^[A-Za-z0-9_.:/-]+$/.test(s.paymentMethod)) problems.push(`BENCH_PAYMENT_METHOD: "${s.paymentMethod}" is not a payment token`);
  if (problems.length > 0) throw new Error(`bad benchmark settings:\n  ${problems.join("\n  ")}`);
  return s;
}

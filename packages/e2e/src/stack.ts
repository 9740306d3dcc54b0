/**
 * A whole platform for one test run: every service as its own `node` process (started exactly as
 * scripts/up.sh starts them: one environment for all, each service on its own port variable), on
 * the real Kafka, Redis and PostgreSQL, isolated from every other run by a topic and consumer-group
 * namespace (KAFKA_TOPIC_PREFIX), a Redis key prefix and a database schema per service. Processes
 * can be killed (-9 included) and restarted mid-test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dropSchema, migrate } from "@drops/db";
import { createKafka } from "@drops/kafka";
import { createRedis, createStockRedis, deleteKeysWithPrefix } from "@drops/redis";
import { eventually, freePort, testEnv, uniqueName } from "@drops/testing";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export const SERVICES = ["catalog", "inventory", "order", "notification", "cart", "gateway"] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The variable each service reads its port from: `<NAME>_PORT`, plain `PORT` for the gateway (the public entry). */
export function portVar(service: ServiceName): string {
  return service === "gateway" ? "PORT" : `${service.toUpperCase()}_PORT`;
}

/** Start order: the inventory before the catalog (which registers drop schedules with it), the gateway last. */
const START_GROUPS: readonly (readonly ServiceName[])[] = [["inventory", "order", "notification", "cart"], ["catalog"], ["gateway"]];

export type StackOptions = {
  /** Instances per service (default 1 each). */
  instances?: Partial<Record<ServiceName, number>>;
  /** Port of a service's first instance (default: a free port). */
  ports?: Partial<Record<ServiceName, number>>;
  /** Extra environment per service. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * The infrastructure to run on (default: the shared one of testEnv). The fault suite gives the
   * stack instances of its own (packages/e2e/src/scratch-infra.ts) so that killing them disturbs no
   * other test.
   */
  infra?: Partial<Infra>;
  /**
   * Runs once every instance has its port, before any process starts (e.g. a load balancer in front
   * of them: packages/e2e/src/balancer.ts). A failure stops the stack.
   */
  beforeStart?: (instances: readonly Instance[]) => Promise<void>;
  /** How long an instance may take to answer GET /ready 200 after it was spawned (default 60 s; a loaded box with many processes needs more). */
  readyTimeoutMs?: number;
};

/**
 * Where a stack's PostgreSQL, Redis (stock, locks and everything else) and Kafka are; with
 * `stockRedisClusterNodes` the stock is on that Redis Cluster instead (STOCK_REDIS_CLUSTER_NODES),
 * while locks and the rest stay on `redisUrl`.
 */
export type Infra = { databaseUrl: string; redisUrl: string; kafkaBrokers: string[]; stockRedisClusterNodes?: string[] };

export type Instance = {
  service: ServiceName;
  index: number;
  port: number;
  url: string;
  proc: ChildProcess | undefined;
  /** The last lines the process printed (for failure diagnostics). */
  output: string[];
};

export const JWT_SECRET = "e2e-jwt-secret-0123456789-0123456789-abcdef";
/** The stack's INTERNAL_AUTH_SECRET (every service's; not the development default, so a default-signed assertion is refused). */
export const INTERNAL_AUTH_SECRET = "e2e-internal-auth-secret-0123456789-0123456789";

type Schemas = Record<"catalog" | "inventory" | "order" | "notification", string>;

export type Stack = {
  id: string;
  prefix: string;
  gatewayUrl: string;
  schemas: Schemas;
  /** The environment the given service's processes get (for CLIs such as reconcile). */
  envFor: (service: ServiceName) => Record<string, string>;
  instances: Instance[];
  instance: (service: ServiceName, index?: number) => Instance;
  kill: (service: ServiceName, index?: number, signal?: NodeJS.Signals) => Promise<void>;
  /** SIGSTOP / SIGCONT: the process is frozen (its sockets open, nothing answered) until resumed. */
  pause: (service: ServiceName, index?: number) => void;
  resume: (service: ServiceName, index?: number) => void;
  start: (service: ServiceName, index?: number) => Promise<void>;
  /** The infrastructure the stack runs on. */
  infra: Infra;
  /** The last output of every process, for a failing test's diagnostics. */
  logs: () => string;
  stop: () => Promise<void>;
};

function runNode(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Runs a repository script (e.g. `scripts/create-topics.ts`) with the stack's environment. */
export async function runScript(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return runNode([join(ROOT, script), ...args], env, ROOT);
}

/** Starts every service of a fresh, isolated platform and resolves once each instance is ready. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const id = uniqueName("e2e");
  const prefix = `${id}.`;
  const schemas = schemasFor(id);
  const infra: Infra = { databaseUrl: testEnv.databaseUrl, redisUrl: testEnv.redisUrl, kafkaBrokers: testEnv.kafkaBrokers, ...opts.infra };
  const common = commonEnv(id, prefix, infra);
  const instances = await allocateInstances(opts);
  const envFor = serviceEnv(common, schemas, instances, opts);

  await createTopicsAndSchemas(common, schemas, infra);
  const stack = stackHandle({ id, prefix, schemas, envFor, instances, infra, readyTimeoutMs: opts.readyTimeoutMs ?? 60_000 });
  try {
    await opts.beforeStart?.(instances);
    await startInOrder(instances, (inst) => stack.start(inst.service, inst.index));
  } catch (err) {
    await stack.stop().catch(() => undefined);
    throw err;
  }
  return stack;
}

function schemasFor(id: string): Schemas {
  return { catalog: `${id}_catalog`, inventory: `${id}_inventory`, order: `${id}_orders`, notification: `${id}_notification` };
}

/** What every process of the stack gets: the real infrastructure, this stack's namespaces, no telemetry. */
function commonEnv(id: string, prefix: string, infra: Infra): Record<string, string> {
  return {
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    DATABASE_URL: infra.databaseUrl,
    // Several stacks run at once (parallel test files) on one PostgreSQL of max_connections 100.
    DATABASE_POOL_MAX: "4",
    REDIS_URL: infra.redisUrl,
    // Redlock on the stack's Redis too (the inventory's default is 127.0.0.1:6379 whatever REDIS_URL says).
    REDLOCK_URLS: infra.redisUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(","),
    KAFKA_TOPIC_PREFIX: prefix,
    // Stock, lock and fence keys of this stack only (inventory and gateway must agree).
    STOCK_KEY_PREFIX: `${id}:`,
    ...(infra.stockRedisClusterNodes ? { STOCK_REDIS_CLUSTER_NODES: infra.stockRedisClusterNodes.join(",") } : {}),
    // The catalog's own keys (rankings) of this stack only.
    CATALOG_KEY_PREFIX: `${id}:`,
    OTEL_ENABLED: "false",
    JWT_SECRET,
    INTERNAL_AUTH_SECRET,
  };
}

/** One Instance per process, each on its own port (the one asked for, else a free one). */
async function allocateInstances(opts: StackOptions): Promise<Instance[]> {
  const instances: Instance[] = [];
  for (const service of SERVICES) {
    const n = opts.instances?.[service] ?? 1;
    for (let index = 0; index < n; index++) {
      const port = (index === 0 ? opts.ports?.[service] : undefined) ?? (await freePort());
      instances.push({ service, index, port, url: `http://127.0.0.1:${port}`, proc: undefined, output: [] });
    }
  }
  return instances;
}

function firstOf(instances: Instance[], service: ServiceName): Instance {
  const inst = instances.find((i) => i.service === service);
  if (!inst) throw new Error(`no ${service} in this stack`);
  return inst;
}

/**
 * A service's environment, as scripts/up.sh gives it: the same for every service (common settings,
 * every service's port variable and the internal URLs), plus its schema and the test's extras.
 * Each process then gets its own instance's port on its own variable (launch).
 */
function serviceEnv(common: Record<string, string>, schemas: Schemas, instances: Instance[], opts: StackOptions): (service: ServiceName) => Record<string, string> {
  const ports = Object.fromEntries(SERVICES.map((s) => [portVar(s), String(firstOf(instances, s).port)]));
  const urls = {
    CATALOG_URL: firstOf(instances, "catalog").url,
    INVENTORY_URL: firstOf(instances, "inventory").url,
    ORDER_URL: firstOf(instances, "order").url,
    CART_URL: firstOf(instances, "cart").url,
    NOTIFICATION_URL: firstOf(instances, "notification").url,
  };
  return (service) => {
    const schema = (schemas as Record<string, string>)[service];
    return { ...common, ...ports, ...urls, ...(schema ? { DB_SCHEMA: schema } : {}), ...(opts.env?.[service] ?? {}) };
  };
}

/** The stack's topics (under its prefix) and every service's migrations into the stack's schemas. */
async function createTopicsAndSchemas(common: Record<string, string>, schemas: Schemas, infra: Infra): Promise<void> {
  const topics = await runScript("scripts/create-topics.ts", [], common);
  if (topics.code !== 0) throw new Error(`create-topics failed:\n${topics.output}`);
  for (const [service, schema] of Object.entries(schemas)) {
    const dir = join(ROOT, "services", service, "prisma", "migrations");
    if (existsSync(dir)) await migrate({ url: infra.databaseUrl, schema, migrationsDir: dir });
  }
}

/** Starts the groups of START_GROUPS one after the other, the instances of a group together. */
async function startInOrder(instances: Instance[], start: (inst: Instance) => Promise<void>): Promise<void> {
  for (const group of START_GROUPS) {
    await Promise.all(instances.filter((i) => group.includes(i.service)).map(start));
  }
}

/** Spawns the instance's service as `node --import ./src/instrument.ts src/main.ts`, keeping its last 200 lines. */
function launch(inst: Instance, env: Record<string, string>): void {
  const child = spawn(process.execPath, ["--import", "./src/instrument.ts", "src/main.ts"], {
    cwd: join(ROOT, "services", inst.service),
    env: { ...process.env, ...env, [portVar(inst.service)]: String(inst.port), SERVICE_NAME: inst.service },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (d: Buffer): void => {
    for (const line of d.toString().split("\n")) if (line.trim()) inst.output.push(line);
    if (inst.output.length > 200) inst.output.splice(0, inst.output.length - 200);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  inst.proc = child;
}

/** Resolves once GET /ready answers 200; fails at once if the process exits, or after `timeoutMs`. */
async function waitReady(inst: Instance, timeoutMs: number): Promise<void> {
  const tail = (): string => inst.output.slice(-30).join("\n");
  await eventually(async () => {
    if (inst.proc?.exitCode !== null && inst.proc?.exitCode !== undefined) {
      throw new Error(`${inst.service}#${inst.index} exited with ${inst.proc.exitCode}:\n${tail()}`);
    }
    const res = await fetch(`${inst.url}/ready`).catch(() => undefined);
    return res?.ok === true;
  }, timeoutMs, 200).catch((err: unknown) => {
    throw new Error(`${inst.service}#${inst.index} not ready: ${(err as Error).message}\n${tail()}`);
  });
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once("exit", () => r()));
}

/** SIGTERM, then SIGKILL after 15 s; resolves once the process is gone. */
async function stopInstance(inst: Instance): Promise<void> {
  const proc = inst.proc;
  if (!proc) return;
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
  await exited(proc);
  clearTimeout(timer);
  inst.proc = undefined;
}

/** Deletes the stack's Redis keys (`<id>:*`), on the stock's cluster too (every master) when it has one. */
async function deleteKeys(id: string, infra: Infra): Promise<void> {
  const clusterNodes = infra.stockRedisClusterNodes ?? [];
  for (const redis of [createRedis(infra.redisUrl), ...(clusterNodes.length > 0 ? [createStockRedis({ url: infra.redisUrl, clusterNodes })] : [])]) {
    try {
      await deleteKeysWithPrefix(redis, `${id}:`);
    } finally {
      await redis.quit();
    }
  }
}

/** Deletes the stack's topics and consumer groups (everything under its prefix). */
async function deleteTopicsAndGroups(id: string, prefix: string, brokers: string[]): Promise<void> {
  const admin = createKafka({ clientId: `${id}-cleanup`, brokers }).admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

function stackHandle(s: { id: string; prefix: string; schemas: Schemas; envFor: (service: ServiceName) => Record<string, string>; instances: Instance[]; infra: Infra; readyTimeoutMs: number }): Stack {
  const instance = (service: ServiceName, index = 0): Instance => {
    const inst = s.instances.find((i) => i.service === service && i.index === index);
    if (!inst) throw new Error(`no ${service}#${index} in this stack`);
    return inst;
  };
  return {
    id: s.id,
    prefix: s.prefix,
    gatewayUrl: firstOf(s.instances, "gateway").url,
    schemas: s.schemas,
    envFor: s.envFor,
    instances: s.instances,
    instance,
    kill: async (service, index = 0, signal = "SIGKILL") => {
      const inst = instance(service, index);
      if (!inst.proc) return;
      const proc = inst.proc;
      proc.kill(signal);
      await exited(proc);
      inst.proc = undefined;
    },
    pause: (service, index = 0) => void instance(service, index).proc?.kill("SIGSTOP"),
    resume: (service, index = 0) => void instance(service, index).proc?.kill("SIGCONT"),
    infra: s.infra,
    start: async (service, index = 0) => {
      const inst = instance(service, index);
      launch(inst, s.envFor(service));
      await waitReady(inst, s.readyTimeoutMs);
    },
    logs: () =>
      s.instances
        .map((i) => {
          const state = i.proc === undefined ? "not running" : i.proc.exitCode !== null || i.proc.signalCode !== null ? `exited (${i.proc.exitCode ?? i.proc.signalCode})` : "running";
          return `--- ${i.service}#${i.index} ${state}\n${i.output.slice(-12).map((l) => l.slice(0, 400)).join("\n")}`;
        })
        .join("\n"),
    stop: async () => {
      // A frozen process cannot take a SIGTERM: thaw it first.
      for (const i of s.instances) i.proc?.kill("SIGCONT");
      await Promise.all(s.instances.map(stopInstance));
      for (const schema of Object.values(s.schemas)) await dropSchema(s.infra.databaseUrl, schema);
      await deleteKeys(s.id, s.infra);
      await deleteTopicsAndGroups(s.id, s.prefix, s.infra.kafkaBrokers);
    },
  };
}

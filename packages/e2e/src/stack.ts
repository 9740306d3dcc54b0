/**
 * A whole platform for one test run: every service as its own `node` process (started exactly as
 * scripts/up.sh starts them), on the real Kafka, Redis and PostgreSQL, isolated from every other
 * run by a topic and consumer-group namespace (KAFKA_TOPIC_PREFIX) and a database schema per
 * service. Processes can be killed (-9 included) and restarted mid-test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dropSchema, migrate } from "@drops/db";
import { createKafka } from "@drops/kafka";
import { createRedis } from "@drops/redis";
import { eventually, testEnv, uniqueName } from "@drops/testing";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export const SERVICES = ["catalog", "inventory", "order", "notification", "cart", "gateway"] as const;
export type ServiceName = (typeof SERVICES)[number];

export type StackOptions = {
  /** Instances per service (default 1 each). */
  instances?: Partial<Record<ServiceName, number>>;
  /** Extra environment per service. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
};

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

export type Stack = {
  id: string;
  prefix: string;
  gatewayUrl: string;
  schemas: Record<"catalog" | "inventory" | "order" | "notification", string>;
  /** The environment the given service's processes get (for CLIs such as reconcile). */
  envFor: (service: ServiceName) => Record<string, string>;
  instances: Instance[];
  instance: (service: ServiceName, index?: number) => Instance;
  kill: (service: ServiceName, index?: number, signal?: NodeJS.Signals) => Promise<void>;
  start: (service: ServiceName, index?: number) => Promise<void>;
  /** The last output of every process, for a failing test's diagnostics. */
  logs: () => string;
  stop: () => Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

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

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const id = uniqueName("e2e");
  const prefix = `${id}.`;
  const schemas = { catalog: `${id}_catalog`, inventory: `${id}_inventory`, order: `${id}_orders`, notification: `${id}_notification` };
  const common: Record<string, string> = {
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    DATABASE_URL: testEnv.databaseUrl,
    REDIS_URL: testEnv.redisUrl,
    KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
    KAFKA_TOPIC_PREFIX: prefix,
    // Stock, lock and fence keys of this stack only (inventory and gateway must agree).
    STOCK_KEY_PREFIX: `${id}:`,
    OTEL_ENABLED: "false",
    JWT_SECRET,
  };

  const instances: Instance[] = [];
  for (const service of SERVICES) {
    const n = opts.instances?.[service] ?? 1;
    for (let index = 0; index < n; index++) {
      const port = await freePort();
      instances.push({ service, index, port, url: `http://127.0.0.1:${port}`, proc: undefined, output: [] });
    }
  }
  const first = (s: ServiceName) => instances.find((i) => i.service === s)!;
  const urls: Record<string, string> = {
    CATALOG_URL: first("catalog").url,
    INVENTORY_URL: first("inventory").url,
    ORDER_URL: first("order").url,
  };
  const envFor = (service: ServiceName): Record<string, string> => {
    const schema = (schemas as Record<string, string>)[service];
    return { ...common, ...urls, ...(schema ? { DB_SCHEMA: schema } : {}), ...(opts.env?.[service] ?? {}) };
  };

  const topics = await runScript("scripts/create-topics.ts", [], common);
  if (topics.code !== 0) throw new Error(`create-topics failed:\n${topics.output}`);
  for (const [service, schema] of Object.entries(schemas)) {
    const dir = join(ROOT, "services", service, "prisma", "migrations");
    if (existsSync(dir)) await migrate({ url: testEnv.databaseUrl, schema, migrationsDir: dir });
  }

  const launch = (inst: Instance): void => {
    const cwd = join(ROOT, "services", inst.service);
    const child = spawn(process.execPath, ["--import", "./src/instrument.ts", "src/main.ts"], {
      cwd,
      env: { ...process.env, ...envFor(inst.service), PORT: String(inst.port), SERVICE_NAME: inst.service },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (d: Buffer) => {
      for (const line of d.toString().split("\n")) if (line.trim()) inst.output.push(line);
      if (inst.output.length > 200) inst.output.splice(0, inst.output.length - 200);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    inst.proc = child;
  };
  const waitReady = async (inst: Instance): Promise<void> => {
    await eventually(async () => {
      if (inst.proc?.exitCode !== null && inst.proc?.exitCode !== undefined) {
        throw new Error(`${inst.service}#${inst.index} exited with ${inst.proc.exitCode}:\n${inst.output.slice(-30).join("\n")}`);
      }
      const res = await fetch(`${inst.url}/ready`).catch(() => undefined);
      return res?.ok === true;
    }, 60_000, 200).catch((err: unknown) => {
      throw new Error(`${inst.service}#${inst.index} not ready: ${(err as Error).message}\n${inst.output.slice(-30).join("\n")}`);
    });
  };
  const exited = (proc: ChildProcess): Promise<void> =>
    proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once("exit", () => r()));

  const stack: Stack = {
    id,
    prefix,
    gatewayUrl: first("gateway").url,
    schemas,
    envFor,
    instances,
    instance: (service, index = 0) => {
      const inst = instances.find((i) => i.service === service && i.index === index);
      if (!inst) throw new Error(`no ${service}#${index} in this stack`);
      return inst;
    },
    kill: async (service, index = 0, signal = "SIGKILL") => {
      const inst = stack.instance(service, index);
      if (!inst.proc) return;
      const proc = inst.proc;
      proc.kill(signal);
      await exited(proc);
      inst.proc = undefined;
    },
    start: async (service, index = 0) => {
      const inst = stack.instance(service, index);
      launch(inst);
      await waitReady(inst);
    },
    logs: () => instances.map((i) => `--- ${i.service}#${i.index}\n${i.output.slice(-12).map((l) => l.slice(0, 400)).join("\n")}`).join("\n"),
    stop: async () => {
      await Promise.all(
        instances.map(async (inst) => {
          const proc = inst.proc;
          if (!proc) return;
          proc.kill("SIGTERM");
          const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
          await exited(proc);
          clearTimeout(timer);
          inst.proc = undefined;
        }),
      );
      for (const schema of Object.values(schemas)) await dropSchema(testEnv.databaseUrl, schema);
      const redis = createRedis(testEnv.redisUrl);
      try {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${id}:*`, "COUNT", 1000);
          cursor = next;
          if (keys.length > 0) await redis.unlink(...keys);
        } while (cursor !== "0");
      } finally {
        await redis.quit();
      }
      const admin = createKafka({ clientId: `${id}-cleanup`, brokers: testEnv.kafkaBrokers }).admin();
      await admin.connect();
      try {
        const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
        if (mine.length > 0) await admin.deleteTopics({ topics: mine });
        const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
        if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
    },
  };

  try {
    // Inventory and catalog first (the catalog registers drop schedules with the inventory).
    for (const group of [["inventory", "order", "notification", "cart"], ["catalog"], ["gateway"]] as const) {
      const batch = instances.filter((i) => (group as readonly string[]).includes(i.service));
      for (const inst of batch) launch(inst);
      await Promise.all(batch.map(waitReady));
    }
  } catch (err) {
    await stack.stop().catch(() => undefined);
    throw err;
  }
  return stack;
}

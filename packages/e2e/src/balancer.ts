/**
 * A real HAProxy in front of a stack, as scripts/up.sh runs it with INSTANCES>1: the configuration
 * rendered by scripts/haproxy-config.ts from the templates of infra/haproxy/, one frontend per service
 * on a free port, every instance health-checked on GET /ready, and every service's internal URLs
 * (CATALOG_URL, ...) pointing at those frontends, so every call between services is balanced too.
 * Needs Debian's `haproxy` (scripts/lib.sh ensure_haproxy installs it); without it startBalancedStack
 * fails and says so.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, freePort } from "@drops/testing";
import { portOpen } from "./scratch-infra.ts";
import { runScript, SERVICES, startStack, type Instance, type ServiceName, type Stack, type StackOptions } from "./stack.ts";

/** What every process behind the balancer gets: a stop drains for longer than the health check takes to see it (fall 2 at 500 ms, on a loaded box). */
export const BALANCED_ENV: Readonly<Record<string, string>> = { SHUTDOWN_DRAIN_MS: "4000", SHUTDOWN_GRACE_MS: "30000" };

const URL_VARS: Record<Exclude<ServiceName, "gateway">, string> = {
  catalog: "CATALOG_URL",
  inventory: "INVENTORY_URL",
  order: "ORDER_URL",
  cart: "CART_URL",
  notification: "NOTIFICATION_URL",
};

export type Balancer = {
  /** The frontend of a service (the storefront's for the gateway). */
  url: (service: ServiceName) => string;
  /** HAProxy's view of every instance, `{ "gateway#0": "UP", "order#2": "DOWN", ... }` (`show stat`). */
  states: () => Promise<Record<string, string>>;
  /** How many answers each instance of a service gave through the balancer (by index; health checks not counted). */
  answered: (service: ServiceName) => Promise<number[]>;
  /** Resolves once HAProxy reports the instance in `state` (UP: in rotation; DOWN: out of it). */
  waitState: (service: ServiceName, index: number, state: "UP" | "DOWN", timeoutMs?: number) => Promise<void>;
  /** The last lines HAProxy printed (its errors and state changes; up to 5000). */
  output: string[];
  stop: () => Promise<void>;
};

export type BalancedStack = { stack: Stack; balancer: Balancer };

/** The HAProxy binary, or an error that says how to get it. */
export function haproxyBinary(): string {
  const probe = spawnSync("haproxy", ["-v"], { encoding: "utf8" });
  if (probe.status !== 0) {
    throw new Error("HAProxy is not installed (no `haproxy` on PATH): apt-get install -y haproxy, or run scripts/up.sh with INSTANCES=3 once (scripts/lib.sh ensure_haproxy)");
  }
  return "haproxy";
}

/**
 * startStack with every service behind a real HAProxy: the frontends' ports are taken first (the
 * services are told them), HAProxy starts once the instances have their ports and before any of them
 * (the health checks bring each into rotation as it becomes ready). `stack.stop()` then
 * `balancer.stop()` end it.
 */
export async function startBalancedStack(opts: StackOptions = {}): Promise<BalancedStack> {
  const bin = haproxyBinary();
  const fronts = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await freePort()] as const))) as Record<ServiceName, number>;
  const urls = Object.fromEntries(Object.entries(URL_VARS).map(([s, v]) => [v, `http://127.0.0.1:${fronts[s as ServiceName]}`]));
  const env = Object.fromEntries(SERVICES.map((s) => [s, { ...BALANCED_ENV, ...urls, ...(opts.env?.[s] ?? {}) }]));
  let balancer: Balancer | undefined;
  const stack = await startStack({
    ...opts,
    env,
    beforeStart: async (instances) => {
      await opts.beforeStart?.(instances);
      balancer = await startBalancer(bin, fronts, instances);
    },
  }).catch(async (err: unknown) => {
    await balancer?.stop();
    throw err;
  });
  if (!balancer) throw new Error("the balancer did not start");
  return { stack, balancer };
}

async function startBalancer(bin: string, fronts: Record<ServiceName, number>, instances: readonly Instance[]): Promise<Balancer> {
  const dir = mkdtempSync(join(tmpdir(), "drops-haproxy-"));
  const cfg = join(dir, "haproxy.cfg");
  const socket = join(dir, "haproxy.sock");
  const args = SERVICES.map((s) => `${s}=127.0.0.1:${fronts[s]}=${instances.filter((i) => i.service === s).map((i) => `127.0.0.1:${i.port}`).join(",")}`);
  const rendered = await runScript("scripts/haproxy-config.ts", ["--out", cfg, "--socket", socket, ...args], {});
  if (rendered.code !== 0) throw new Error(`scripts/haproxy-config.ts failed:\n${rendered.output}`);

  const output: string[] = [];
  const proc: ChildProcess = spawn(bin, ["-W", "-db", "-f", cfg], { stdio: ["ignore", "pipe", "pipe"] });
  const keep = (d: Buffer): void => {
    for (const line of d.toString().split("\n")) if (line.trim()) output.push(line);
    if (output.length > 5000) output.splice(0, output.length - 5000);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  const gone = new Promise<void>((r) => proc.once("exit", () => r()));

  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(async () => {
      if (proc.exitCode !== null) throw new Error(`haproxy exited with ${proc.exitCode}: ${output.join("\n")}`);
      const open = await Promise.all(SERVICES.map((s) => portOpen(fronts[s])));
      return open.every(Boolean);
    }, 20_000, 100);
  } catch (err) {
    await stop();
    throw err;
  }

  /** `show stat`, one row per checked instance: its state and the answers it gave (hrsp_1xx..5xx). */
  const stats = async (): Promise<Record<string, { status: string; answered: number }>> => {
    const csv = await adminCommand(socket, "show stat");
    const header = csv.split("\n")[0]!.replace(/^# /, "").split(",");
    const col = (name: string): number => header.indexOf(name);
    const answers = ["hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other"].map(col);
    const out: Record<string, { status: string; answered: number }> = {};
    for (const line of csv.split("\n").slice(1)) {
      const cols = line.split(",");
      const m = /^([a-z]+)(\d+)$/.exec(cols[col("svname")] ?? "");
      if (!m || cols[col("pxname")] !== `${m[1]}_instances`) continue;
      out[`${m[1]}#${Number(m[2]) - 1}`] = { status: (cols[col("status")] ?? "").split(" ")[0]!, answered: answers.reduce((n, c) => n + Number(cols[c] ?? 0), 0) };
    }
    return out;
  };
  const states = async (): Promise<Record<string, string>> => Object.fromEntries(Object.entries(await stats()).map(([k, v]) => [k, v.status]));
  return {
    url: (service) => `http://127.0.0.1:${fronts[service]}`,
    states,
    answered: async (service) => {
      const all = await stats();
      return Object.keys(all).filter((k) => k.startsWith(`${service}#`)).sort().map((k) => all[k]!.answered);
    },
    waitState: async (service, index, state, timeoutMs = 30_000) => {
      await eventually(async () => (await states())[`${service}#${index}`] === state, timeoutMs, 100).catch((err: unknown) => {
        throw new Error(`haproxy never saw ${service}#${index} ${state}: ${(err as Error).message}`);
      });
    },
    output,
    stop,
  };
}

/** One command on HAProxy's runtime API socket; resolves with its whole answer. */
function adminCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket);
    let answer = "";
    conn.setEncoding("utf8");
    conn.on("connect", () => conn.write(`${command}\n`));
    conn.on("data", (d: string) => (answer += d));
    conn.on("end", () => resolve(answer));
    conn.on("error", reject);
  });
}

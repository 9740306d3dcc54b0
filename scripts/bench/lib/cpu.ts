/**
 * CPU time per process from /proc (Linux only; elsewhere every figure is empty): utime + stime of a
 * process (all its threads) in clock ticks, sampled at a fixed period so any window of the run can be
 * cut afterwards (the burst, the whole drop) without knowing its bounds in advance.
 *
 * Processes are labelled by the caller (the stack's services, the load generator) plus the shared
 * infrastructure found by name: Redis (redis-server), PostgreSQL (every postgres process: backends
 * opened during a window count from their start), Kafka (a JVM whose command line names kafka).
 * The infrastructure is shared with anything else on the machine, and so is its CPU.
 */
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { basename } from "node:path";

/** USER_HZ: the unit of /proc/<pid>/stat times (100 on every Linux in practice). */
const TICKS_PER_S = 100;

export type Snapshot = {
  /** Date.now() when taken */
  at: number;
  machineBusyTicks: number;
  machineTotalTicks: number;
  /** pid -> label and CPU ticks so far */
  perPid: Map<number, { label: string; ticks: number }>;
};

export type CpuWindow = {
  fromMs: number;
  toMs: number;
  wallS: number;
  /** of all cores: 100 % is every core busy */
  machineBusyPct: number;
  machineBusyCores: number;
  /** cores used by the processes listed; the rest is the kernel and everything else on the machine */
  listedCores: number;
  otherCores: number;
  /** label -> CPU seconds in the window */
  cpuS: Record<string, number>;
  /** label -> cores on average over the window */
  cores: Record<string, number>;
  /** single-process infrastructure (Kafka, Redis) that got a new pid in the window: restarted by someone */
  restarted: string[];
};

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

export function processTicks(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
}

/** Redis, PostgreSQL and Kafka processes on this machine, by label. */
export function infraProcesses(): Map<number, string> {
  const out = new Map<number, string>();
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const e of entries) {
    const pid = Number(e);
    const comm = (read(`/proc/${pid}/comm`) ?? "").trim();
    if (comm.startsWith("redis-server")) out.set(pid, "redis");
    else if (comm.startsWith("postgres")) out.set(pid, "postgresql");
    else if (comm === "java") {
      const cmd = read(`/proc/${pid}/cmdline`) ?? "";
      if (/kafka\.Kafka|kafka[_-]|[/\\]kafka/i.test(cmd) && !cmd.includes("org.apache.jmeter")) out.set(pid, "kafka");
    }
  }
  return out;
}

/** The environment a process was started with (empty when it cannot be read). */
export function processEnv(pid: number): Record<string, string> {
  const raw = read(`/proc/${pid}/environ`) ?? "";
  const env: Record<string, string> = {};
  for (const kv of raw.split("\0")) {
    const eq = kv.indexOf("=");
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return env;
}

/** The pid of the process listening on a local TCP port (from /proc/net/tcp{,6} and the fds). */
export function listenerPid(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of (read(table) ?? "").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      const local = f[1] ?? "";
      if (f[3] === "0A" && parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port && f[9]) inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const e of readdirSafe("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    for (const fd of readdirSafe(`/proc/${e}/fd`)) {
      let target = "";
      try {
        target = readlinkSync(`/proc/${e}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1] ?? "")) return Number(e);
    }
  }
  return undefined;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The services of a platform this run did not start (BENCH_GATEWAY_URL): node processes running
 * `src/main.ts` from a `services/<name>` directory, labelled by that name (`name#i` when there are
 * several), and only those started with the gateway's KAFKA_TOPIC_PREFIX, so another stack on the
 * machine (a test run's) is left out. Returns the gateway's environment too.
 */
export function platformProcesses(gatewayPort: number): { pids: Map<number, string>; gatewayEnv: Record<string, string> | undefined } {
  const gw = listenerPid(gatewayPort);
  const gatewayEnv = gw ? processEnv(gw) : undefined;
  const prefix = gatewayEnv?.["KAFKA_TOPIC_PREFIX"] ?? "";
  const found: [number, string][] = [];
  for (const e of readdirSafe("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (!(read(`/proc/${pid}/cmdline`) ?? "").includes("src/main.ts")) continue;
    let cwd = "";
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue;
    }
    if (basename(cwd.replace(/\/[^/]+\/?$/, "")) !== "services") continue;
    if (gatewayEnv && (processEnv(pid)["KAFKA_TOPIC_PREFIX"] ?? "") !== prefix) continue;
    found.push([pid, basename(cwd)]);
  }
  const counts = new Map<string, number>();
  for (const [, name] of found) counts.set(name, (counts.get(name) ?? 0) + 1);
  const seen = new Map<string, number>();
  const pids = new Map(
    found.map(([pid, name]): [number, string] => {
      if ((counts.get(name) ?? 0) <= 1) return [pid, name];
      const i = seen.get(name) ?? 0;
      seen.set(name, i + 1);
      return [pid, `${name}#${i}`];
    }),
  );
  return { pids, gatewayEnv };
}

function machineTicks(): { busy: number; total: number } {
  const line = (read("/proc/stat") ?? "").split("\n")[0] ?? "";
  const nums = line.trim().split(/\s+/).slice(1).map(Number);
  const total = nums.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  return { busy: total - (nums[3] ?? 0) - (nums[4] ?? 0), total }; // minus idle and iowait
}

export function snapshot(labelled: Map<number, string>): Snapshot {
  const perPid = new Map<number, { label: string; ticks: number }>();
  for (const [pid, label] of labelled) {
    const ticks = processTicks(pid);
    if (ticks !== undefined) perPid.set(pid, { label, ticks });
  }
  for (const [pid, label] of infraProcesses()) {
    if (perPid.has(pid)) continue;
    const ticks = processTicks(pid);
    if (ticks !== undefined) perPid.set(pid, { label, ticks });
  }
  const m = machineTicks();
  return { at: Date.now(), machineBusyTicks: m.busy, machineTotalTicks: m.total, perPid };
}

/**
 * Snapshots every `periodMs` of whatever `processes()` returns at that moment (processes come and go:
 * the load generator, a second stack), kept in memory for the whole run.
 */
export class CpuRecorder {
  readonly samples: Snapshot[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly processes: () => Map<number, string>;
  private readonly periodMs: number;

  constructor(processes: () => Map<number, string>, periodMs = 250) {
    this.processes = processes;
    this.periodMs = periodMs;
  }

  start(): void {
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.periodMs);
  }

  sample(): Snapshot {
    const s = snapshot(this.processes());
    this.samples.push(s);
    return s;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The window from the last sample at or before `fromMs` to the first at or after `toMs` (taking one now if needed). */
  window(fromMs: number, toMs: number): CpuWindow {
    if (this.samples.length === 0 || (this.samples.at(-1)?.at ?? 0) < toMs) this.sample();
    const a = [...this.samples].reverse().find((s) => s.at <= fromMs) ?? this.samples[0]!;
    const b = this.samples.find((s) => s.at >= toMs) ?? this.samples.at(-1)!;
    return between(a, b);
  }
}

export function between(a: Snapshot, b: Snapshot): CpuWindow {
  const wallS = Math.max(0, (b.at - a.at) / 1000);
  const byLabel = new Map<string, number>();
  for (const [pid, { label, ticks }] of b.perPid) {
    const before = a.perPid.get(pid);
    // the same pid under another label (reused) or a process started in between: count from zero
    const base = before && before.label === label ? before.ticks : 0;
    byLabel.set(label, (byLabel.get(label) ?? 0) + Math.max(0, ticks - base) / TICKS_PER_S);
  }
  const restarted = ["kafka", "redis"].filter((label) => {
    const before = [...a.perPid].filter(([, v]) => v.label === label).map(([pid]) => pid);
    const after = new Set([...b.perPid].filter(([, v]) => v.label === label).map(([pid]) => pid));
    return before.length > 0 && !before.every((pid) => after.has(pid));
  });
  const sorted = [...byLabel].sort((x, y) => y[1] - x[1]);
  const cpuS: Record<string, number> = {};
  const cores: Record<string, number> = {};
  for (const [label, s] of sorted) {
    cpuS[label] = round(s, 3);
    cores[label] = round(wallS > 0 ? s / wallS : 0, 3);
  }
  const dt = b.machineTotalTicks - a.machineTotalTicks;
  const busyFraction = dt > 0 ? (b.machineBusyTicks - a.machineBusyTicks) / dt : 0;
  const ncpu = Math.max(1, cpuCount());
  const machineBusyCores = busyFraction * ncpu;
  const listedCores = wallS > 0 ? sorted.reduce((sum, [, s]) => sum + s, 0) / wallS : 0;
  return {
    fromMs: a.at,
    toMs: b.at,
    wallS: round(wallS, 3),
    machineBusyPct: round(busyFraction * 100, 1),
    machineBusyCores: round(machineBusyCores, 2),
    listedCores: round(listedCores, 2),
    otherCores: round(Math.max(0, machineBusyCores - listedCores), 2),
    cpuS,
    cores,
    restarted,
  };
}

function cpuCount(): number {
  const stat = read("/proc/stat") ?? "";
  return stat.split("\n").filter((l) => /^cpu\d+ /.test(l)).length;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * Infrastructure of its own for the fault suite: a Kafka broker, a Redis and a PostgreSQL cluster on
 * free ports and in temporary directories, which a fault test may kill, stop and start again without
 * disturbing any other test (they all share the development instances).
 *
 * - Kafka: `scripts/infra.sh up` with DROPS_RUN pointing at a temporary directory and KAFKA_BROKERS at a
 *   free port (the controller listens on the next one): the same KRaft broker as development, from the
 *   same cached jars. `killKafka()` is kill -9; `startKafka()` starts it on its data again.
 *   `kafkaBrokers: 3`: the three-node cluster of KAFKA_BROKERS_COUNT=3 (each node broker and controller,
 *   topics replicated 3 with min.insync.replicas 2) on free ports; `killKafkaBroker(id)` is kill -9 of
 *   node `id` (1..3, the broker's node id; its port is `infra.kafkaBrokers[id - 1]`), and
 *   `startKafkaBroker(id)` starts it again on its data (infra.sh starts the nodes that do not answer).
 * - Redis: `redis-server --save "" --appendonly no` as a child process: `killRedis()` is kill -9,
 *   `startRedis()` brings it back empty on the same port (what a crash of an unpersisted Redis leaves).
 * - PostgreSQL: `initdb` + `pg_ctl` of a scratch cluster (fsync off: it is thrown away), run as the
 *   `postgres` user when this process is root (initdb refuses root). `stopPostgres()` is
 *   `pg_ctl stop -m fast` (connections are terminated, 57P01), `startPostgres()` starts it again.
 *
 * Whatever is not asked for is the shared instance of testEnv.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { readdirSync, existsSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, freePort, testEnv } from "@drops/testing";
import type { Infra } from "./stack.ts";
import { ROOT } from "./stack.ts";

export type ScratchOptions = { kafka?: boolean; /** Kafka nodes (default 1; 3 = KAFKA_BROKERS_COUNT=3). */ kafkaBrokers?: number; redis?: boolean; postgres?: boolean };

export type ScratchInfra = {
  infra: Infra;
  /** kill -9 of every Kafka node / start every node that does not answer. */
  killKafka: () => Promise<void>;
  startKafka: () => Promise<void>;
  /** kill -9 of one node (its node id, 1-based) / start it again on its data. */
  killKafkaBroker: (id: number) => Promise<void>;
  startKafkaBroker: (id: number) => Promise<void>;
  killRedis: () => Promise<void>;
  startRedis: () => Promise<void>;
  stopPostgres: () => Promise<void>;
  startPostgres: () => Promise<void>;
  /** Stops whatever was started here and removes its directories. */
  stop: () => Promise<void>;
};

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

async function waitPort(port: number, open: boolean, timeoutMs: number, what: string): Promise<void> {
  await eventually(async () => (await portOpen(port)) === open, timeoutMs, 100).catch(() => {
    throw new Error(`${what} on port ${port} did not ${open ? "start" : "stop"} within ${timeoutMs} ms`);
  });
}

/** Two consecutive free ports (Kafka's listener and its controller), none of `taken`. */
async function freePortPair(taken: readonly number[] = []): Promise<number> {
  for (;;) {
    const p = await freePort();
    if ([p, p + 1].some((q) => taken.includes(q))) continue;
    if (!(await portOpen(p + 1))) return p;
  }
}

/** A listener port for each of `n` nodes, each with its controller port (+1) free too. */
async function freeKafkaPorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) ports.push(await freePortPair(ports.flatMap((p) => [p, p + 1])));
  return ports;
}

function run(cmd: string, args: string[], opts: { asPostgres?: boolean; env?: Record<string, string> } = {}): { code: number | null; output: string } {
  const asRoot = process.getuid?.() === 0 && opts.asPostgres === true;
  const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  const res = spawnSync(file, argv, { env: { ...process.env, ...opts.env }, encoding: "utf8" });
  return { code: res.status, output: `${res.stdout ?? ""}${res.stderr ?? ""}` };
}

function postgresBin(): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(a) - Number(b)) : [];
  const bin = versions.length > 0 ? join(base, versions.at(-1)!, "bin") : "";
  if (bin === "" || !existsSync(join(bin, "initdb"))) throw new Error("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)");
  return bin;
}

export async function startScratchInfra(opts: ScratchOptions): Promise<ScratchInfra> {
  const dir = mkdtempSync(join(tmpdir(), "drops-faults-"));
  const infra: Infra = { databaseUrl: testEnv.databaseUrl, redisUrl: testEnv.redisUrl, kafkaBrokers: testEnv.kafkaBrokers };
  const stops: (() => Promise<void>)[] = [];
  const none = async (): Promise<void> => {
    throw new Error("not a scratch instance of this suite");
  };
  const scratch: ScratchInfra = {
    infra,
    killKafka: none,
    startKafka: none,
    killKafkaBroker: none,
    startKafkaBroker: none,
    killRedis: none,
    startRedis: none,
    stopPostgres: none,
    startPostgres: none,
    stop: async () => {
      for (const s of stops.reverse()) await s().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    if (opts.postgres === true) await scratchPostgres(dir, scratch, stops);
    if (opts.redis === true) await scratchRedis(dir, scratch, stops);
    if (opts.kafka === true) await scratchKafka(dir, opts.kafkaBrokers ?? 1, scratch, stops);
  } catch (err) {
    await scratch.stop();
    throw err;
  }
  return scratch;
}

async function scratchPostgres(dir: string, s: ScratchInfra, stops: (() => Promise<void>)[]): Promise<void> {
  const bin = postgresBin();
  const data = join(dir, "postgres");
  const port = await freePort();
  // initdb refuses to run as root: the cluster then belongs to the postgres user.
  const asPostgres = process.getuid?.() === 0;
  if (asPostgres) chownSync(dir, Number(run("id", ["-u", "postgres"]).output.trim()), Number(run("id", ["-g", "postgres"]).output.trim()));
  const init = run(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"], { asPostgres });
  if (init.code !== 0) throw new Error(`initdb failed:\n${init.output}`);
  const ctl = (args: string[]): { code: number | null; output: string } => run(join(bin, "pg_ctl"), ["-D", data, ...args], { asPostgres });
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
  s.startPostgres = async () => {
    const r = ctl(["-o", options, "-l", join(dir, "postgres.log"), "-w", "-t", "60", "start"]);
    if (r.code !== 0) throw new Error(`pg_ctl start failed:\n${r.output}\n${readLog(join(dir, "postgres.log"))}`);
    await waitPort(port, true, 30_000, "PostgreSQL");
  };
  s.stopPostgres = async () => {
    // fast: every session is terminated (57P01 "terminating connection due to administrator command").
    const r = ctl(["-m", "fast", "-w", "-t", "60", "stop"]);
    if (r.code !== 0) throw new Error(`pg_ctl stop failed:\n${r.output}`);
    await waitPort(port, false, 30_000, "PostgreSQL");
  };
  await s.startPostgres();
  s.infra.databaseUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  stops.push(async () => void ctl(["-m", "immediate", "-w", "stop"]));
}

async function scratchRedis(dir: string, s: ScratchInfra, stops: (() => Promise<void>)[]): Promise<void> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  s.startRedis = async () => {
    proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
    await waitPort(port, true, 15_000, "Redis");
  };
  s.killRedis = async () => {
    const p = proc;
    if (p === undefined) return;
    p.kill("SIGKILL");
    if (p.exitCode === null && p.signalCode === null) await new Promise((r) => p.once("exit", r));
    proc = undefined;
    await waitPort(port, false, 15_000, "Redis");
  };
  await s.startRedis();
  s.infra.redisUrl = `redis://127.0.0.1:${port}`;
  stops.push(() => s.killRedis());
}

async function scratchKafka(dir: string, n: number, s: ScratchInfra, stops: (() => Promise<void>)[]): Promise<void> {
  let ports = await freeKafkaPorts(n);
  const run_ = join(dir, "run");
  // infra.sh's files: one node in kafka/ and pids/kafka.pid, node <id> of several in kafka-<id>/ and pids/kafka-<id>.pid.
  const nodeDir = (id: number): string => join(run_, n === 1 ? "kafka" : `kafka-${id}`);
  const pidFile = (id: number): string => join(run_, "pids", n === 1 ? "kafka.pid" : `kafka-${id}.pid`);
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const checkId = (id: number): void => {
    if (!ids.includes(id)) throw new Error(`no Kafka node ${id} (nodes ${ids.join(", ")})`);
  };
  s.startKafka = async () => {
    // infra.sh starts what does not answer: its PostgreSQL and Redis are the shared ones (they answer), and the Kafka nodes that are up.
    const env = {
      DROPS_RUN: run_,
      KAFKA_BROKERS: ports.map((p) => `127.0.0.1:${p}`).join(","),
      KAFKA_BROKERS_COUNT: String(n),
      DATABASE_URL: testEnv.databaseUrl,
      REDIS_URL: testEnv.redisUrl,
    };
    const r = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn("bash", [join(ROOT, "scripts/infra.sh"), "up"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      child.on("close", (code) => resolve({ code, output }));
    });
    if (r.code !== 0) throw new Error(`scripts/infra.sh up (scratch Kafka on ${ports.join(", ")}) failed:\n${r.output}\n${ids.map((id) => readLog(join(nodeDir(id), "logs", "stdout.log"))).join("\n")}`);
  };
  s.killKafkaBroker = async (id) => {
    checkId(id);
    const file = pidFile(id);
    if (!existsSync(file)) return;
    const pid = Number(readFileSync(file, "utf8").trim());
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
    rmSync(file, { force: true });
    await eventually(() => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 15_000, 100);
    await waitPort(ports[id - 1]!, false, 15_000, `Kafka node ${id}`);
  };
  s.killKafka = async () => {
    await Promise.all(ids.map((id) => s.killKafkaBroker(id)));
  };
  s.startKafkaBroker = async (id) => {
    checkId(id);
    // The others answer: infra.sh starts this one only.
    await s.startKafka();
  };
  stops.push(() => s.killKafka());
  // The first start may lose its ports to another process between the check and the bind: then once more on others.
  try {
    await s.startKafka();
  } catch {
    await s.killKafka();
    rmSync(run_, { recursive: true, force: true });
    ports = await freeKafkaPorts(n);
    await s.startKafka();
  }
  s.infra.kafkaBrokers = ports.map((p) => `127.0.0.1:${p}`);
}

function readLog(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "";
  }
}

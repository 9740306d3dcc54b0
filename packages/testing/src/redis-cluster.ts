/**
 * A scratch Redis Cluster for one test run: `redis-server --cluster-enabled yes --save "" --appendonly no`
 * child processes on free ports (each node's cluster bus on its port + 10000, so the ports are drawn
 * below 55536 with both free), joined by `redis-cli --cluster create`, in a temporary directory
 * removed by `stop()`. `nodes` is what STOCK_REDIS_CLUSTER_NODES takes (every node, masters first).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "./index.ts";

export type RedisClusterOptions = {
  /** Masters (at least 3, Redis's minimum). Default 3. */
  masters?: number;
  /** Replicas per master. Default 0. */
  replicas?: number;
};

export type ScratchRedisCluster = {
  /** host:port of every node, masters first (as `redis-cli --cluster create` was given them). */
  nodes: string[];
  /** Kills every node and removes the directory. */
  stop: () => Promise<void>;
};

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A port in 20000..54999 free on 127.0.0.1 together with its cluster bus port (+10000), not in `taken`. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 35_000);
    if (taken.has(port) || taken.has(port + 10_000) || taken.has(port - 10_000)) continue;
    if ((await canListen(port)) && (await canListen(port + 10_000))) return port;
  }
}

function exec(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", (err) => resolve({ code: -1, output: `${output}${err.message}` }));
    child.on("close", (code) => resolve({ code, output }));
  });
}

async function clusterState(port: number): Promise<string> {
  const r = await exec("redis-cli", ["-h", "127.0.0.1", "-p", String(port), "cluster", "info"]);
  return /cluster_state:(\w+)/.exec(r.output)?.[1] ?? "unknown";
}

export async function startRedisCluster(opts: RedisClusterOptions = {}): Promise<ScratchRedisCluster> {
  const masters = opts.masters ?? 3;
  const replicas = opts.replicas ?? 0;
  if (masters < 3) throw new RangeError("a Redis Cluster needs at least 3 masters");
  const dir = mkdtempSync(join(tmpdir(), "drops-redis-cluster-"));
  const procs: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(procs.map(async (p) => {
      if (p.exitCode !== null || p.signalCode !== null) return;
      const gone = new Promise((r) => p.once("exit", r));
      p.kill("SIGKILL");
      await gone;
    }));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const taken = new Set<number>();
    const ports: number[] = [];
    for (let i = 0; i < masters * (replicas + 1); i++) {
      const p = await clusterPort(taken);
      taken.add(p);
      ports.push(p);
    }
    for (const port of ports) {
      procs.push(spawn("redis-server", [
        "--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", join(dir, `nodes-${port}.conf`),
        "--cluster-node-timeout", "5000", "--save", "", "--appendonly", "no", "--dir", dir,
      ], { stdio: "ignore" }));
    }
    await eventually(async () => (await Promise.all(ports.map((p) => exec("redis-cli", ["-p", String(p), "ping"])))).every((r) => r.output.trim() === "PONG"), 15_000, 100)
      .catch(() => {
        throw new Error(`Redis Cluster nodes on ${ports.join(", ")} did not start within 15 s (is redis-server 7 installed?)`);
      });
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    const created = await exec("redis-cli", ["--cluster", "create", ...nodes, "--cluster-replicas", String(replicas), "--cluster-yes"]);
    if (created.code !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.output}`);
    // every node, not only the first, must know the whole slot map before a client asks any of them
    await eventually(async () => (await Promise.all(ports.map(clusterState))).every((s) => s === "ok"), 60_000, 200).catch(() => {
      throw new Error(`Redis Cluster on ${nodes.join(",")} did not reach cluster_state:ok within 60 s`);
    });
    return { nodes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Open-file limits for the benchmarks that hold tens of thousands of sockets (watchers.ts, queue.ts):
 * this machine caps a process at its hard limit (20,000 here), and the soft limit is raised to it
 * before anything opens sockets, in the runner (whose limit the platform it starts inherits) and in
 * each child.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { readFileSync } from "node:fs";

/** This process's open-file limits, from /proc/self/limits. */
export function openFileLimits(): { soft: number; hard: number } {
  const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files")) ?? "";
  const [soft, hard] = line.replace("Max open files", "").trim().split(/\s+/).map((v) => (v === "unlimited" ? Infinity : Number(v)));
  return { soft: soft ?? 1024, hard: hard ?? 1024 };
}

/** Runs `node <args>` through bash with its soft open-file limit raised to `hardLimit`. */
export function spawnWithFileLimit(hardLimit: number, args: readonly string[], opts: SpawnOptions): ChildProcess {
  const limit = Number.isFinite(hardLimit) ? String(hardLimit) : "unlimited";
  return spawn("bash", ["-c", `ulimit -n ${limit} && exec "$0" "$@"`, process.execPath, ...args], opts);
}

/**
 * The runner's entry: when the soft limit is below the hard one, runs this script again with it
 * raised (once: `reexecVar` marks the second run) and exits with its code; otherwise runs `main`.
 */
export function runWithRaisedFileLimit(self: string, reexecVar: string, main: () => Promise<void>, log: (msg: string) => void): void {
  const { soft, hard } = openFileLimits();
  if (soft < hard && process.env[reexecVar] !== "1") {
    // the platform the runner starts (its gateways) inherits the raised limit
    const proc = spawnWithFileLimit(hard, [...process.execArgv, self, ...process.argv.slice(2)], { stdio: "inherit", env: { ...process.env, [reexecVar]: "1" } });
    proc.on("exit", (code) => process.exit(code ?? 1));
    return;
  }
  main().catch((err: unknown) => {
    log(`failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(2);
  });
}

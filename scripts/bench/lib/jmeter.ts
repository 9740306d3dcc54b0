/**
 * Runs the repository's JMeter plans non-GUI through scripts/bench/jmeter.sh (which provisions
 * JMeter 5.6.3 from Maven Central once and execs the JVM, so the child's pid is JMeter's own).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

export type JMeterRun = {
  /** the JVM's pid while it runs (for CPU sampling) */
  pid: number | undefined;
  done: Promise<{ code: number | null; output: string[] }>;
  kill: () => void;
};

export const planPath = (root: string, plan: string): string => join(root, "infra", "jmeter", "plans", plan);

function launch(root: string, args: string[], log: (line: string) => void, env: Record<string, string> = {}): JMeterRun {
  const child: ChildProcess = spawn("bash", [join(root, "scripts", "bench", "jmeter.sh"), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const keep = (d: Buffer): void => {
    for (const line of d.toString().split("\n")) {
      if (!line.trim() || line.includes("StatusConsoleListener")) continue;
      output.push(line);
      if (output.length > 400) output.splice(0, output.length - 400);
      log(line);
    }
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const done = new Promise<{ code: number | null; output: string[] }>((resolve) => {
    child.on("close", (code) => resolve({ code, output }));
    child.on("error", (err) => {
      output.push(String(err));
      resolve({ code: -1, output });
    });
  });
  return { pid: child.pid, done, kill: () => child.kill("SIGTERM") };
}

/** Fetches JMeter into the cache if missing (no-op afterwards). */
export async function provisionJMeter(root: string, log: (line: string) => void): Promise<void> {
  const r = await launch(root, ["--provision"], log).done;
  if (r.code !== 0) throw new Error(`JMeter provisioning failed (exit ${r.code}):\n${r.output.slice(-20).join("\n")}`);
}

/** `jmeter -n -t <plan> -q bench.properties -J<k>=<v>... -l <jtl> -j <log>` */
export function runPlan(
  root: string,
  opts: { plan: string; props: Record<string, string | number>; jtl: string; logFile: string; heap?: string },
  log: (line: string) => void,
): JMeterRun {
  const args = [
    "-n",
    "-t",
    planPath(root, opts.plan),
    "-q",
    join(root, "infra", "jmeter", "bench.properties"),
    ...Object.entries(opts.props).map(([k, v]) => `-J${k}=${v}`),
    "-l",
    opts.jtl,
    "-j",
    opts.logFile,
  ];
  return launch(root, args, log, opts.heap ? { JMETER_HEAP: opts.heap } : {});
}

/** JMeter's HTML dashboard from a JTL (`jmeter -g <jtl> -o <dir>`), only the labels matching `labels`. */
export async function dashboard(root: string, opts: { jtl: string; outDir: string; title: string; labels: string; logFile: string }, log: (line: string) => void): Promise<boolean> {
  const r = await launch(
    root,
    [
      "-g",
      opts.jtl,
      "-o",
      opts.outDir,
      "-q",
      join(root, "infra", "jmeter", "bench.properties"),
      `-Jjmeter.reportgenerator.report_title=${opts.title}`,
      `-Jjmeter.reportgenerator.sample_filter=${opts.labels}`,
      "-j",
      opts.logFile,
    ],
    log,
  ).done;
  return r.code === 0;
}

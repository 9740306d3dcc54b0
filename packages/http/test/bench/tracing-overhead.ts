/**
 * What tracing costs the HTTP shell per request, off / on at 10 % / on at 100 % (no exporter: the
 * spans are made and dropped), for an answer given in onRequest and one given by a handler. The server
 * (tracing-server.ts, preloaded with tracing-instrument.ts) runs as its own process; this one is the
 * load (64 keep-alive connections, a warm-up pass, then N requests) and reads the server's CPU from
 * /proc/<pid>/stat. Rounds alternate the variants so drift hits them alike; the medians are printed.
 *   node packages/http/test/bench/tracing-overhead.ts [requests=80000] [rounds=3]
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { freePort } from "@drops/testing";

const requests = Number(process.argv[2] ?? "80000");
const rounds = Number(process.argv[3] ?? "3");
const here = fileURLToPath(new URL(".", import.meta.url));
const TICK_US = 10_000; // USER_HZ 100

const variants = [
  { name: "off", env: { TRACE: "0" } },
  { name: "on 10 %", env: { TRACE: "1", RATIO: "0.1" } },
  { name: "on 100 %", env: { TRACE: "1", RATIO: "1" } },
] as const;

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

async function load(port: number, path: string, n: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const body = '{"quantity":1}';
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, method: "POST", path, agent, headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      req.on("error", reject);
      req.end(body);
    });
  let sent = 0;
  const worker = async () => {
    while (sent < n) {
      sent += 1;
      await one();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 64 }, worker));
  const ms = performance.now() - t0;
  agent.destroy();
  return (n / ms) * 1000;
}

async function measure(env: Record<string, string>, path: string): Promise<{ rps: number; cpuUs: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", `${here}tracing-instrument.ts`, `${here}tracing-server.ts`], { env: { ...process.env, ...env, PORT: String(port) }, stdio: "ignore" });
  try {
    for (;;) {
      const up = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await load(port, path, Math.min(requests, 20_000)); // warm-up
    const before = cpuTicks(child.pid!);
    const rps = await load(port, path, requests);
    return { rps, cpuUs: ((cpuTicks(child.pid!) - before) * TICK_US) / requests };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results = new Map<string, { rps: number[]; cpu: number[] }>();
for (let r = 0; r < rounds; r++) {
  for (const path of ["/sold", "/handled"]) {
    for (const v of variants) {
      const m = await measure(v.env, path);
      const key = `${path} ${v.name}`;
      const acc = results.get(key) ?? { rps: [], cpu: [] };
      acc.rps.push(m.rps);
      acc.cpu.push(m.cpuUs);
      results.set(key, acc);
      console.log(`round ${r + 1} ${key}: ${m.rps.toFixed(0)} req/s, server ${m.cpuUs.toFixed(0)} us CPU/request`);
    }
  }
}
console.log(`\nmedians of ${rounds} rounds, ${requests} requests each:`);
console.log("| answer | tracing | req/s | server CPU per request |\n| --- | --- | --- | --- |");
for (const [key, acc] of results) {
  const [path, ...name] = key.split(" ");
  console.log(`| ${path === "/sold" ? "in onRequest (sold-out shortcut)" : "by the handler"} | ${name.join(" ")} | ${median(acc.rps).toFixed(0)} | ${median(acc.cpu).toFixed(0)} us |`);
}

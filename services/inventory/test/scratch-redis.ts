/**
 * A Redis of the test's own (`redis-server --save "" --appendonly no` on a free port), for measuring
 * what the inventory costs Redis (INFO stats, memory, keyspace) without the other tests' traffic on
 * the shared Redis. Stopped (SIGKILL) on teardown.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import type { Test } from "tap";
import { eventually } from "@drops/testing";
import { createRedis } from "@drops/redis";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export async function scratchRedis(t: Pick<Test, "teardown">): Promise<{ url: string }> {
  const port = await freePort();
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  t.teardown(async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGKILL");
    await gone;
  });
  const url = `redis://127.0.0.1:${port}`;
  const probe = createRedis(url, { maxRetriesPerRequest: 1 });
  try {
    await eventually(async () => (await probe.ping().catch(() => "")) === "PONG", 15_000, 100);
  } finally {
    probe.disconnect();
  }
  return { url };
}

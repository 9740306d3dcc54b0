import { spawn } from "node:child_process";
import { once } from "node:events";
import t from "tap";
import { freePort, testEnv } from "@drops/testing";
import { stockRedis } from "./helpers.ts";

const cwd = new URL("..", import.meta.url).pathname;

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "./src/instrument.ts", "src/main.ts"], {
    cwd,
    env: { PATH: process.env["PATH"] ?? "", REDIS_URL: testEnv.redisUrl, KAFKA_BROKERS: testEnv.kafkaBrokers.join(","), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return { child, out: () => stdout, err: () => stderr };
}

t.test("main starts with telemetry, serves /health and /metrics, stops on SIGTERM", async (t) => {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const { prefix } = await stockRedis(t);
  const proc = run({ PORT: String(port), OTEL_ENABLED: "true", METRICS_PORT: String(metricsPort), STOCK_KEY_PREFIX: prefix });
  t.teardown(() => proc.child.kill("SIGKILL"));
  const deadline = Date.now() + 15_000;
  while (!proc.out().includes("listening on") && Date.now() < deadline) {
    if (proc.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  t.match(proc.out(), `gateway listening on http://127.0.0.1:${port}`, proc.err());
  const line = JSON.parse(proc.out().split("\n").find((l) => l.includes("listening on"))!);
  t.equal(line.service, "gateway");
  t.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
  t.equal((await fetch(`http://127.0.0.1:${port}/ready`)).status, 200);
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  t.match(metrics, /service_name="gateway"/);
  proc.child.kill("SIGTERM");
  const [code] = await once(proc.child, "exit");
  t.equal(code, 0);
  t.match(proc.out(), "gateway stopped");
});

t.test("a bad configuration exits 1 listing every problem", async (t) => {
  const proc = run({ PORT: "nope", LOG_LEVEL: "loud" });
  const [code] = await once(proc.child, "exit");
  t.equal(code, 1);
  t.match(proc.err(), /gateway: Invalid configuration/);
  t.match(proc.err(), /LOG_LEVEL/);
  t.match(proc.err(), /PORT/);
});

t.test("stock scripts of another version on Redis: the process refuses to start, exit 1, naming both versions", async (t) => {
  const { prefix } = await stockRedis(t, { version: "0000000000000000000000000000000000000000" });
  const proc = run({ PORT: String(await freePort()), STOCK_KEY_PREFIX: prefix });
  t.teardown(() => proc.child.kill("SIGKILL"));
  const [code] = await once(proc.child, "exit");
  t.equal(code, 1);
  t.match(proc.out(), /gateway refuses to start: stock script version mismatch/);
  t.match(proc.out(), /0000000000000000000000000000000000000000/);
  t.notMatch(proc.out(), /listening on/);
});

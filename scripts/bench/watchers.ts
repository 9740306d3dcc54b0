/**
 * The live-stock watcher benchmark (a benchmark, not a test): tens of thousands of SSE watchers of one
 * drop while it sells out. One command:
 *
 *   node scripts/bench/watchers.ts                  # both scenarios below, one after the other
 *   node scripts/bench/watchers.ts one              # 18,000 watchers on one gateway
 *   node scripts/bench/watchers.ts three            # 50,000 watchers across three gateways
 *   node scripts/bench/watchers.ts one --watchers 2000   # a smaller run (checks the harness)
 *   node scripts/bench/watchers.ts memory --watchers 5000  # memory per stream, in process (below)
 *
 * Options: `--watchers N`, `--procs N` (watcher processes; default one per 5,000), `--units N` (1000),
 * `--buyers N` (units + 30 %), `--concurrency N` (purchase requests in flight, 48).
 * Environment: BENCH_CPU_PROF=<dir> runs the gateways with `--cpu-prof` into that directory;
 * BENCH_GATEWAY_URLS=<url,url> (+ BENCH_GATEWAY_PIDS, BENCH_STOCK_TOPIC) uses a running platform.
 *
 * What it does, per scenario:
 *  1. The platform through the e2e stack (`instances: {gateway: G}`: every service its own process on
 *     the local Kafka, Redis and PostgreSQL, namespaced), or the running one.
 *  2. A 1,000-unit drop, limit 1 per buyer, opening a few seconds ahead; the run waits for the opening.
 *  3. N watchers over several child processes (a process may hold 20,000 open files here: each child
 *     raises its soft limit to the hard one, and so does this process, whose limit the gateways
 *     inherit), spread round-robin over the gateways, each a raw socket reading
 *     `GET /api/drops/:dropId/stock/stream`. A watcher counts once its first `stock` event is in.
 *  4. Each gateway's RSS and open fds (/proc/<pid>/status, /proc/<pid>/fd) before the watchers and
 *     after they are all in: the growth per connection.
 *  5. The sale: buyers (tokens minted with the stack's secret) buy one unit each through the gateways,
 *     `--concurrency` at a time, until every buyer has tried (the drop sells out on the way).
 *  6. The sold-out moment: this process follows the stock topic itself; the first StockChanged with
 *     available 0 is the change, and its time is its seq's (`ms * 2048 + n`: the Redis time of the
 *     stream entry, same host, same clock). Each watcher records when its first `available: 0`
 *     event arrived. Delivery latency = arrival - change time, p50 / p90 / p99 / max over the
 *     watchers; watchers that got it; watchers the gateway closed (slow clients dropped).
 *  7. A JSON summary on stdout and in `.run/bench/watchers-<time>.json`.
 *
 * The `memory` scenario has no platform: a Fastify server in a process of its own (with --expose-gc)
 * runs the gateway's SSE registry and fan-out (packages/http) on one route, N watchers connect from
 * a child, and after full GCs it reports per stream: RSS growth, V8 heap used / committed growth by
 * space (the young generation grows by a fixed amount in any connection storm, which the RSS figure
 * of the other scenarios counts against the connections), and from a heap snapshot the objects alive
 * once per stream (count and self size by constructor).
 *
 * Every process of the platform, the watchers and this runner share the machine (2 cores here): the
 * figures are what one small box does with all of it at once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { openFileLimits, runWithRaisedFileLimit, spawnWithFileLimit } from "./lib/limits.ts";
import { percentile } from "./lib/jtl.ts";

const SELF = fileURLToPath(import.meta.url);

// ------------------------------------------------------------------------------------------ child

type ChildConfig = { targets: { host: string; port: number }[]; dropId: string; count: number; inFlight: number };
type ChildReport = { connected: number; failed: number; closedByServer: number; soldOutAt: number[]; soldOutIds: string[]; frames: number };
type ToParent = { type: "progress"; connected: number; failed: number; soldOut: number } | { type: "report"; report: ChildReport };
type ToChild = { type: "progress" } | { type: "report" } | { type: "exit" };

function runChild(cfg: ChildConfig): void {
  const soldOutAt = new Float64Array(cfg.count).fill(NaN);
  const soldOutIds: string[] = new Array<string>(cfg.count).fill("");
  const sockets: Socket[] = [];
  let connected = 0;
  let failed = 0;
  let closedByServer = 0;
  let frames = 0;
  let soldOut = 0;
  let next = 0;
  let opening = 0;
  let exiting = false;
  const nowMs = (): number => performance.timeOrigin + performance.now();

  const open = (i: number): void => {
    const target = cfg.targets[i % cfg.targets.length]!;
    opening++;
    let pendingOpen = true;
    const settleOpen = (ok: boolean): void => {
      if (!pendingOpen) return;
      pendingOpen = false;
      opening--;
      if (ok) connected++;
      else failed++;
      pump();
    };
    const sock = connect({ host: target.host, port: target.port });
    sockets.push(sock);
    sock.setEncoding("latin1");
    let buf = "";
    let body = false;
    sock.on("connect", () => {
      sock.write(`GET /api/drops/${cfg.dropId}/stock/stream HTTP/1.1\r\nHost: ${target.host}:${target.port}\r\nAccept: text/event-stream\r\n\r\n`);
    });
    sock.on("data", (chunk: string) => {
      const at = nowMs();
      buf += chunk;
      if (!body) {
        const h = buf.indexOf("\r\n\r\n");
        if (h < 0) return;
        if (!buf.startsWith("HTTP/1.1 200")) {
          settleOpen(false);
          sock.destroy();
          return;
        }
        body = true;
        buf = buf.slice(h + 4);
      }
      let end: number;
      while ((end = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        if (block.charCodeAt(0) === 58 /* ':' comment */) continue;
        frames++;
        settleOpen(true);
        if (Number.isNaN(soldOutAt[i]!) && block.includes('"available":0,')) {
          soldOutAt[i] = at;
          soldOutIds[i] = /^id: (\d+)$/m.exec(block)?.[1] ?? "";
          soldOut++;
        }
      }
    });
    sock.on("error", () => settleOpen(false));
    sock.on("close", () => {
      settleOpen(false);
      if (!exiting) closedByServer++;
    });
  };
  const pump = (): void => {
    while (opening < cfg.inFlight && next < cfg.count) open(next++);
  };
  process.on("message", (m: ToChild) => {
    if (m.type === "progress") send({ type: "progress", connected, failed, soldOut });
    else if (m.type === "report") {
      send({ type: "report", report: { connected, failed, closedByServer, soldOutAt: [...soldOutAt], soldOutIds, frames } });
    } else {
      exiting = true;
      for (const s of sockets) s.destroy();
      process.exit(0);
    }
  });
  const send = (m: ToParent): void => void process.send?.(m);
  pump();
}

// -------------------------------------------------------------------------------- memory scenario

/** The in-process server of the `memory` scenario (run with --expose-gc); prints its JSON figures on stdout. */
async function runMemoryServer(n: number, hardLimit: number): Promise<void> {
  const v8 = await import("node:v8");
  const { createRequire } = await import("node:module");
  const { pathToFileURL } = await import("node:url");
  const fromHttp = createRequire(new URL("../../packages/http/package.json", import.meta.url));
  const { sseRegistryFor, createSseFanout } = await import("../../packages/http/src/index.ts");
  type App = Parameters<typeof sseRegistryFor>[0];
  const { default: Fastify } = (await import(pathToFileURL(fromHttp.resolve("fastify")).href)) as { default: (o: object) => App };
  const app = Fastify({ logger: false });
  const sse = sseRegistryFor(app, { heartbeatMs: 15_000 });
  const fanout = createSseFanout<{ available: number }>({ tickMs: 100, render: (k, v) => ({ event: "stock", data: { dropId: k, ...v } }) });
  app.get<{ Params: { dropId: string } }>("/api/drops/:dropId/stock/stream", async (request, reply) => {
    const stream = sse.open(request, reply);
    stream.send("stock", { dropId: request.params.dropId, available: 1000 }, 1);
    fanout.join(request.params.dropId, stream, 1);
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const port = (app.server.address() as { port: number }).port;
  const gc = (globalThis as { gc?: () => void }).gc;
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) {
      gc?.();
      await sleep(200);
    }
  };
  const rssKb = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? NaN);
  await settle();
  const r0 = rssKb();
  const h0 = process.memoryUsage();
  const sp0 = v8.getHeapSpaceStatistics();
  const child = spawnChild({ targets: [{ host: "127.0.0.1", port }], dropId: "d", count: n, inFlight: 64 }, hardLimit);
  for (;;) {
    await sleep(500);
    const p = (await ask(child, { type: "progress" })) as Extract<ToParent, { type: "progress" }>;
    if (p.connected + p.failed >= n) break;
  }
  await sleep(2000);
  const r1NoGc = rssKb();
  await settle();
  const r1 = rssKb();
  const h1 = process.memoryUsage();
  const sp1 = v8.getHeapSpaceStatistics();
  const file = v8.writeHeapSnapshot(join(fileURLToPath(new URL("../../", import.meta.url)), ".run", "bench", `sse-memory-${process.pid}.heapsnapshot`));
  const snap = JSON.parse(readFileSync(file, "utf8")) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  (await import("node:fs")).rmSync(file);
  const { node_fields: fields, node_types: [types] } = snap.snapshot.meta;
  const [ti, ni, si] = ["type", "name", "self_size"].map((f) => fields.indexOf(f)) as [number, number, number];
  const count = new Map<string, { n: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + ti]!]!;
    if (!["object", "closure", "native", "array"].includes(type)) continue;
    const name = `${type}:${snap.strings[snap.nodes[i + ni]!]}`;
    const c = count.get(name) ?? { n: 0, bytes: 0 };
    c.n++;
    c.bytes += snap.nodes[i + si]!;
    count.set(name, c);
  }
  const perStream = [...count].filter(([, c]) => c.n >= n * 0.9).map(([name, c]) => ({ name, perStream: round(c.n / n, 2), bytesEach: Math.round(c.bytes / c.n) })).sort((a, b) => b.perStream - a.perStream);
  const kb = (b: number): number => round(b / 1024 / n, 2);
  const out = {
    scenario: "memory",
    streams: sse.size,
    rssPerStreamKb: { beforeGc: round((r1NoGc - r0) / n, 2), afterGc: round((r1 - r0) / n, 2) },
    heapPerStreamKb: { used: kb(h1.heapUsed - h0.heapUsed), committed: kb(h1.heapTotal - h0.heapTotal) },
    spacesGrowthMb: Object.fromEntries(sp1.map((sp, i): [string, number] => [sp.space_name, round((sp.space_size - sp0[i]!.space_size) / 1048576)]).filter(([, v]) => v !== 0)),
    liveObjectsPerStream: { count: round(perStream.reduce((a, o) => a + o.perStream, 0)), bytes: Math.round(perStream.reduce((a, o) => a + o.perStream * o.bytesEach, 0)), top: perStream.slice(0, 25) },
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  child.proc.send({ type: "exit" } satisfies ToChild);
  await app.close();
  process.exit(0);
}

async function memoryScenario(args: Args): Promise<Record<string, unknown>> {
  const n = args.watchers ?? 10_000;
  log(`scenario memory: ${n} streams on an in-process SSE server`);
  mkdirSync(join(fileURLToPath(new URL("../../", import.meta.url)), ".run", "bench"), { recursive: true });
  const proc = spawn(process.execPath, ["--expose-gc", SELF, "--memory-server", String(n)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise((r) => proc.on("close", r));
  return JSON.parse(out) as Record<string, unknown>;
}

// ----------------------------------------------------------------------------------------- parent

type Args = { scenarios: ("one" | "three" | "memory")[]; watchers?: number; procs?: number; units: number; buyers?: number; concurrency: number };

function parseArgs(argv: string[]): Args {
  const out: Args = { scenarios: [], units: 1000, concurrency: 48 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${a} needs a positive integer`);
      return v;
    };
    if (a === "one" || a === "three" || a === "memory") out.scenarios.push(a);
    else if (a === "all") out.scenarios.push("one", "three");
    else if (a === "--watchers") out.watchers = num();
    else if (a === "--procs") out.procs = num();
    else if (a === "--units") out.units = num();
    else if (a === "--buyers") out.buyers = num();
    else if (a === "--concurrency") out.concurrency = num();
    else throw new Error(`unknown argument ${a} (see the top of scripts/bench/watchers.ts)`);
  }
  if (out.scenarios.length === 0) out.scenarios.push("one", "three");
  return out;
}

const log = (msg: string): void => void process.stderr.write(`[watchers ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type ProcFigures = { rssKb: number; fds: number; cpuTicks: number };

function procFigures(pid: number): ProcFigures {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { rssKb, fds, cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

const round = (n: number, d = 1): number => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

type Child = { proc: ChildProcess; count: number; waiters: ((m: ToParent) => void)[] };

function spawnChild(cfg: ChildConfig, hardLimit: number): Child {
  const proc = spawnWithFileLimit(hardLimit, [SELF, "--child"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, WATCHERS_CHILD: JSON.stringify(cfg) },
  });
  const child: Child = { proc, count: cfg.count, waiters: [] };
  proc.on("message", (m: ToParent) => child.waiters.shift()?.(m));
  return child;
}

function ask(child: Child, m: ToChild): Promise<ToParent> {
  return new Promise((resolve) => {
    child.waiters.push(resolve);
    child.proc.send(m);
  });
}

async function progress(children: Child[]): Promise<{ connected: number; failed: number; soldOut: number }> {
  const all = (await Promise.all(children.map((c) => ask(c, { type: "progress" })))) as Extract<ToParent, { type: "progress" }>[];
  return all.reduce((a, p) => ({ connected: a.connected + p.connected, failed: a.failed + p.failed, soldOut: a.soldOut + p.soldOut }), { connected: 0, failed: 0, soldOut: 0 });
}

async function scenario(name: "one" | "three", args: Args, hardLimit: number): Promise<Record<string, unknown>> {
  const { api, mintBuyer, purchase, setUpDrop, startStack, sleepUntil } = await import("@drops/e2e");
  const { createKafka, runConsumer } = await import("@drops/kafka");
  const { testEnv } = await import("@drops/testing");
  const gateways = name === "one" ? 1 : 3;
  const watchers = args.watchers ?? (name === "one" ? 18_000 : 50_000);
  const procs = args.procs ?? Math.max(1, Math.ceil(watchers / 5000));
  const buyers = args.buyers ?? Math.ceil(args.units * 1.3);
  const { loadavg } = await import("node:os");
  const loadBefore = loadavg().map((l) => round(l, 2));
  log(`scenario ${name}: ${watchers} watchers over ${procs} processes, ${gateways} gateway(s), ${args.units} units, ${buyers} buyers; load ${loadBefore.join(" ")}`);

  const external = process.env["BENCH_GATEWAY_URLS"];
  const prof = process.env["BENCH_CPU_PROF"];
  const stack = external
    ? undefined
    : await startStack({
        instances: { gateway: gateways },
        env: { gateway: prof ? { NODE_OPTIONS: `${process.env["NODE_OPTIONS"] ?? ""} --cpu-prof --cpu-prof-dir=${prof}`.trim() } : {} },
      });
  const urls = external ? external.split(",") : stack!.instances.filter((i) => i.service === "gateway").map((i) => i.url);
  const pids = external ? (process.env["BENCH_GATEWAY_PIDS"] ?? "").split(",").filter(Boolean).map(Number) : stack!.instances.filter((i) => i.service === "gateway").map((i) => i.proc!.pid!);
  const topic = external ? (process.env["BENCH_STOCK_TOPIC"] ?? "drops.stock-changes") : `${stack!.prefix}drops.stock-changes`;
  const children: Child[] = [];
  const kafka = createKafka({ clientId: "bench-watchers", brokers: testEnv.kafkaBrokers });
  let consumer: Awaited<ReturnType<typeof runConsumer>> | undefined;
  try {
    const clients = urls.map((u) => api(u));
    const drop = await setUpDrop(clients[0]!, { units: args.units, perBuyerLimit: 1, holdSeconds: 120, startsInMs: 4000 });
    const dropId = drop.dropId;

    // the sold-out change, from the topic itself
    const changes: { seq: number; available: number; arrivedAt: number }[] = [];
    consumer = await runConsumer({
      kafka,
      groupId: `${stack?.prefix ?? ""}bench-watchers-${process.pid}-${Date.now()}`,
      topics: [topic],
      fromBeginning: false,
      consumerConfig: { maxWaitTimeInMs: 100 },
      handlers: {
        StockChanged: async (e) => {
          if (e.payload.dropId.toLowerCase() === dropId.toLowerCase()) changes.push({ seq: e.payload.seq, available: e.payload.available, arrivedAt: Date.now() });
        },
      },
    });
    await consumer.joined;
    await sleepUntil(drop.startsAt, 500);

    const before = pids.map(procFigures);
    const targets = urls.map((u) => ({ host: new URL(u).hostname, port: Number(new URL(u).port) }));
    const per = Math.ceil(watchers / procs);
    const connectStarted = Date.now();
    for (let i = 0; i < procs; i++) {
      const count = Math.min(per, watchers - i * per);
      if (count <= 0) break;
      // rotate the targets so every gateway gets its share from every process
      children.push(spawnChild({ targets: targets.map((_, k) => targets[(k + i) % targets.length]!), dropId, count, inFlight: 64 }, hardLimit));
    }
    let p = { connected: 0, failed: 0, soldOut: 0 };
    for (;;) {
      await sleep(1000);
      p = await progress(children);
      log(`watchers: ${p.connected} in, ${p.failed} failed`);
      if (p.connected + p.failed >= watchers) break;
      if (Date.now() - connectStarted > 300_000) throw new Error("watchers did not connect within 5 minutes");
    }
    const connectS = (Date.now() - connectStarted) / 1000;
    await sleep(5000); // let the connection storm's garbage settle before reading RSS
    const connectedFigures = pids.map(procFigures);

    // the sale
    log(`sale: ${buyers} buyers, ${args.concurrency} at a time`);
    const outcomes: Record<string, number> = {};
    let nextBuyer = 0;
    const saleStarted = Date.now();
    await Promise.all(
      Array.from({ length: args.concurrency }, async (_, w) => {
        while (nextBuyer < buyers) {
          const i = nextBuyer++;
          const reply: { status: number; body: { code?: string } } = await purchase(clients[(i + w) % clients.length]!, dropId, mintBuyer()).catch(() => ({ status: 0, body: {} }));
          const key = reply.status === 201 ? "201" : `${reply.status} ${reply.body.code ?? ""}`.trim();
          outcomes[key] = (outcomes[key] ?? 0) + 1;
        }
      }),
    );
    const saleS = (Date.now() - saleStarted) / 1000;
    log(`sale done in ${saleS.toFixed(1)} s: ${JSON.stringify(outcomes)}`);
    const saleFigures = pids.map(procFigures);

    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      p = await progress(children);
      if (p.soldOut >= p.connected && changes.some((c) => c.available === 0)) break;
      await sleep(250);
    }
    const reports = (await Promise.all(children.map((c) => ask(c, { type: "report" })))).map((m) => (m as Extract<ToParent, { type: "report" }>).report);
    const soldOutChange = changes.find((c) => c.available === 0);
    const changeAt = soldOutChange ? Math.floor(soldOutChange.seq / 2048) : NaN;
    const arrivals = reports.flatMap((r) => r.soldOutAt).filter((v) => Number.isFinite(v));
    const lat = arrivals.map((a) => a - changeAt).sort((a, b) => a - b);
    const connected = reports.reduce((a, r) => a + r.connected, 0);
    const perGateway = pids.map((pid, k) => ({
      pid,
      rssBeforeMb: round(before[k]!.rssKb / 1024),
      rssConnectedMb: round(connectedFigures[k]!.rssKb / 1024),
      rssAfterSaleMb: round(saleFigures[k]!.rssKb / 1024),
      fdsBefore: before[k]!.fds,
      fdsConnected: connectedFigures[k]!.fds,
      cpuSaleS: round((saleFigures[k]!.cpuTicks - connectedFigures[k]!.cpuTicks) / 100, 2),
    }));
    const growthKb = perGateway.reduce((a, g, k) => a + (connectedFigures[k]!.rssKb - before[k]!.rssKb), 0);
    const summary = {
      scenario: name,
      gateways,
      watchers,
      watcherProcesses: children.length,
      connected,
      failed: reports.reduce((a, r) => a + r.failed, 0),
      connectSeconds: round(connectS),
      closedByGateway: reports.reduce((a, r) => a + r.closedByServer, 0),
      units: args.units,
      buyers,
      saleSeconds: round(saleS, 2),
      outcomes,
      stockChangesSeen: changes.length,
      framesPerWatcher: round(reports.reduce((a, r) => a + r.frames, 0) / Math.max(1, connected)),
      soldOut: {
        changeSeq: soldOutChange?.seq ?? null,
        kafkaArrivalMs: soldOutChange ? soldOutChange.arrivedAt - changeAt : null,
        received: arrivals.length,
        receivedPct: round((100 * arrivals.length) / Math.max(1, connected), 2),
        latencyMs: { p50: round(percentile(lat, 50)), p90: round(percentile(lat, 90)), p99: round(percentile(lat, 99)), max: round(lat.at(-1) ?? NaN) },
        // the gateways' own spread: from the first watcher that had it to each other (upstream delay left out)
        fromFirstWatcherMs: { p50: round(percentile(lat, 50) - (lat[0] ?? NaN)), p99: round(percentile(lat, 99) - (lat[0] ?? NaN)), max: round((lat.at(-1) ?? NaN) - (lat[0] ?? NaN)) },
        within250ms: round((100 * lat.filter((l) => l <= 250).length) / Math.max(1, connected), 2),
        within500ms: round((100 * lat.filter((l) => l <= 500).length) / Math.max(1, connected), 2),
      },
      memory: { rssGrowthMb: round(growthKb / 1024), perConnectionKb: round(growthKb / Math.max(1, connected), 2) },
      perGateway,
      machine: { loadavgBefore: loadBefore, loadavgAfter: loadavg().map((l) => round(l, 2)) },
    };
    return summary;
  } finally {
    for (const c of children) c.proc.send({ type: "exit" } satisfies ToChild);
    await consumer?.stop().catch(() => undefined);
    await stack?.stop().catch((err: unknown) => log(`stack stop: ${String(err)}`));
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { hard } = openFileLimits();
  const results: Record<string, unknown>[] = [];
  for (const s of args.scenarios) results.push(s === "memory" ? await memoryScenario(args) : await scenario(s, args, hard));
  const out = JSON.stringify(results, null, 2);
  process.stdout.write(`${out}\n`);
  const dir = join(fileURLToPath(new URL("../../", import.meta.url)), ".run", "bench");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `watchers-${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}.json`);
  writeFileSync(file, out);
  log(`written to ${file}`);
  process.exit(0);
}

if (process.argv[2] === "--child") {
  runChild(JSON.parse(process.env["WATCHERS_CHILD"] ?? "{}") as ChildConfig);
} else if (process.argv[2] === "--memory-server") {
  runMemoryServer(Number(process.argv[3]), openFileLimits().hard).catch((err: unknown) => {
    log(`memory server failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(2);
  });
} else {
  runWithRaisedFileLimit(SELF, "WATCHERS_REEXEC", main, log);
}

/**
 * The flash-drop benchmark, one command (scripts/bench/flash-drop.sh runs this after provisioning):
 *
 *  1. JMeter 5.6.3 from Maven Central, cached (scripts/bench/jmeter.sh).
 *  2. The platform: every service as its own process through the e2e stack (isolated topics, key prefix
 *     and schemas on the local Kafka, Redis and PostgreSQL), or a running one (BENCH_GATEWAY_URL).
 *  3. Buyers signed up through the API (their tokens in buyers.csv), and the attempts CSV: one row per
 *     purchase attempt, each buyer BENCH_ATTEMPTS / BENCH_BUYERS times, in random order.
 *  4. The ceiling: infra/jmeter/plans/flash-drop.jmx against scripts/bench/hello-world.ts (a bare
 *     node:http server answering the same POST with a fixed 409), same CSV, same threads, same machine,
 *     the platform up and idle.
 *  5. A drop (seller, approval, product, drop through the API) opening BENCH_OPENS_IN_MS ahead; the same
 *     plan fired at its opening.
 *  6. The outcome from the platform once the sagas settle (no holds left, every consumer group caught
 *     up): sold, oversold, buyers over the limit, orders not final, 5xx; saga completion (each 201's
 *     answer to its order's confirming update); CPU per process during the burst and over the whole drop.
 *  7. Each BENCH_VARIANTS configuration (e.g. the row-lock purchase path) the same way on a fresh stack,
 *     reported as a ratio to the first.
 *  8. JMeter's HTML dashboards, summary.json, report.md in .run/bench/<time>/, and the generated section
 *     of docs/performance.md (full scale; BENCH_DOC to choose, BENCH_DOC=none to skip).
 *
 * Exit code: 0 when every outcome check passed, 1 when one failed, 2 when the run could not finish.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, relative, resolve } from "node:path";
import { createPool } from "@drops/db";
import { createKafka } from "@drops/kafka";
import { api, createProduct, mintBuyer, ROOT, setUpDrop, startStack, type Api, type DropSetup, type Stack } from "@drops/e2e";
import { CpuRecorder, platformProcesses } from "./lib/cpu.ts";
import { dashboard, provisionJMeter, runPlan } from "./lib/jmeter.ts";
import { latency, readJtl, statsOf, type LabelStats, type Sample } from "./lib/jtl.ts";
import { renderReport, writeDoc } from "./lib/report.ts";
import { readSettings, type Variant } from "./lib/settings.ts";
import type { CeilingResult, ConfigResult, Stock, Summary } from "./lib/types.ts";

const settings = readSettings();
const startedAt = new Date();
const runId = startedAt.toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
const outDir = resolve(settings.outDir ?? join(ROOT, ".run", "bench", runId));
mkdirSync(outDir, { recursive: true });

const log = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 1): number => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

// ------------------------------------------------------------------------------- tracked processes

/** pid -> label of every process whose CPU the report shows (the infrastructure is found by name). */
const tracked = new Map<number, string>([[process.pid, "bench runner"]]);
const cpu = new CpuRecorder(() => tracked, 250);
const children = new Set<ChildProcess>();
let currentStack: Stack | undefined;
let stopJMeter: (() => void) | undefined;

function trackStack(stack: Stack): void {
  const counts = new Map<string, number>();
  for (const i of stack.instances) counts.set(i.service, (counts.get(i.service) ?? 0) + 1);
  for (const i of stack.instances) if (i.proc?.pid) tracked.set(i.proc.pid, (counts.get(i.service) ?? 0) > 1 ? `${i.service}#${i.index}` : i.service);
}
function untrackStack(stack: Stack): void {
  for (const i of stack.instances) if (i.proc?.pid) tracked.delete(i.proc.pid);
}

const SERVICE_LABEL = /^(gateway|catalog|inventory|order|notification|cart)(#\d+)?$/;
const INFRA_LABELS = ["kafka", "postgresql", "redis"];

// ------------------------------------------------------------------------------------------ buyers

type Buyer = { buyerId: string; token: string };

async function pool<T>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function seedBuyers(client: Api, n: number, tag: string): Promise<{ buyers: Buyer[]; seconds: number }> {
  const t0 = performance.now();
  const buyers = new Array<Buyer>(n);
  if (settings.buyerSource === "mint") {
    for (let i = 0; i < n; i++) {
      const b = mintBuyer();
      buyers[i] = { buyerId: b.userId, token: b.token };
    }
    return { buyers, seconds: round((performance.now() - t0) / 1000, 1) };
  }
  let done = 0;
  let lastLog = Date.now();
  await pool(
    Array.from({ length: n }, (_, i) => i),
    settings.signupConcurrency,
    async (i) => {
      const email = `bench-${tag}-${i}@bench.test`;
      for (let attempt = 1; ; attempt++) {
        const r = await client.call<{ userId?: string; accessToken?: string }>("POST", "/api/auth/signup", { body: { email, password: "bench-password-1", displayName: `Bench buyer ${i}` } });
        if (r.status === 201 && r.body.userId && r.body.accessToken) {
          buyers[i] = { buyerId: r.body.userId, token: r.body.accessToken };
          break;
        }
        if (attempt >= 3 || (r.status !== 503 && r.status < 500)) throw new Error(`signup of ${email}: ${r.status} ${JSON.stringify(r.body)}`);
        await sleep(200 * attempt);
      }
      done++;
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`  ${done}/${n} buyers signed up`);
      }
    },
  );
  return { buyers, seconds: round((performance.now() - t0) / 1000, 1) };
}

function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

/** buyers.csv (one row per buyer) and attempts.csv (one row per attempt, shuffled): buyerId,token. */
function writeCsvs(dir: string, buyers: Buyer[]): { buyersCsv: string; attemptsCsv: string } {
  const buyersCsv = join(dir, "buyers.csv");
  const attemptsCsv = join(dir, "attempts.csv");
  writeFileSync(buyersCsv, `buyerId,token\n${buyers.map((b) => `${b.buyerId},${b.token}`).join("\n")}\n`);
  const order = shuffle(Array.from({ length: settings.attempts }, (_, i) => i % buyers.length));
  writeFileSync(attemptsCsv, `buyerId,token\n${order.map((i) => `${buyers[i]!.buyerId},${buyers[i]!.token}`).join("\n")}\n`);
  return { buyersCsv, attemptsCsv };
}

// ------------------------------------------------------------------------------------------ JMeter

type PlanRun = { exit: number | null; jtl: string; samples: Sample[]; launchedAt: number; finishedAt: number; output: string[] };

async function flashPlan(name: string, dir: string, target: { host: string; port: number }, dropId: string, attemptsCsv: string, startAt: number): Promise<PlanRun> {
  const jtl = join(dir, `${name}.jtl`);
  const launchedAt = Date.now();
  const run = runPlan(
    ROOT,
    {
      plan: "flash-drop.jmx",
      props: {
        host: target.host,
        port: target.port,
        dropId,
        buyers: attemptsCsv,
        threads: settings.threads,
        ramp: settings.rampS,
        startAt,
        paymentMethod: settings.paymentMethod,
        duration: Math.max(600, settings.maxMinutes * 60),
      },
      jtl,
      logFile: join(dir, `${name}.jmeter.log`),
      ...(settings.jmeterHeap ? { heap: settings.jmeterHeap } : {}),
    },
    (line) => log(`  jmeter ${name}: ${line}`),
  );
  if (run.pid) tracked.set(run.pid, "JMeter (load generator)");
  stopJMeter = run.kill;
  const r = await run.done;
  stopJMeter = undefined;
  if (run.pid) tracked.delete(run.pid);
  const finishedAt = Date.now();
  if (r.code !== 0) throw new Error(`JMeter ${name} exited with ${r.code}:\n${r.output.slice(-30).join("\n")}`);
  return { exit: r.code, jtl, samples: readJtl(jtl), launchedAt, finishedAt, output: r.output };
}

// ---------------------------------------------------------------------------------------- ceiling

async function runCeiling(dir: string, attemptsCsv: string): Promise<CeilingResult> {
  const child = spawn(process.execPath, [join(ROOT, "scripts", "bench", "hello-world.ts")], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  children.add(child);
  let out = "";
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error("hello-world did not start within 15 s")), 15_000);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`hello-world exited with ${code}`)));
  });
  if (child.pid) tracked.set(child.pid, "hello-world");
  log(`ceiling: hello-world on port ${port}`);
  try {
    const run = await flashPlan("ceiling", dir, { host: "127.0.0.1", port }, "00000000-0000-4000-8000-000000000000", attemptsCsv, Date.now() + settings.jmeterLeadMs);
    const stats = statsOf(run.samples, "purchase");
    const cpuWindow = cpu.window(stats.firstStart, stats.lastEnd);
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    await exited;
    const line = out.split("\n").find((l) => l.startsWith("{")) ?? "{}";
    const server = JSON.parse(line) as { requests: number; connections: number };
    log(`ceiling: ${stats.perS} attempts/s, p50 ${stats.latencyMs.p50} ms, p99 ${stats.latencyMs.p99} ms, ${server.connections} connections for ${server.requests} requests`);
    return { stats, server, warmUpRequests: run.samples.filter((s) => s.label.startsWith("warm-up")).length, cpu: cpuWindow, jtl: run.jtl };
  } finally {
    if (child.pid) tracked.delete(child.pid);
    if (child.exitCode === null) child.kill("SIGKILL");
    children.delete(child);
  }
}

// ---------------------------------------------------------------------------------- outcome checks

type Order = { orderId: string; dropId: string; quantity: number; status: string; stage?: string; updatedAt?: string; createdAt?: string; buyerId?: string; cancelReason?: string | null; failureReason?: string | null };

const FINAL = new Set(["confirmed", "cancelled", "expired", "refunded", "failed"]);
const RELEASED = new Set(["cancelled", "expired", "refunded", "failed"]);

async function stockOf(client: Api, dropId: string, adminToken: string): Promise<Stock> {
  const r = await client.call<Stock>("GET", `/api/admin/drops/${dropId}/stock`, { token: adminToken });
  if (r.status !== 200) throw new Error(`admin stock: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

type Admin = ReturnType<ReturnType<typeof createKafka>["admin"]>;
/** The topics and consumer groups of one platform: those named with its KAFKA_TOPIC_PREFIX. */
type KafkaScope = { prefix: string; brokers: string[] };

/** Messages not yet consumed by the stack's consumer groups. */
async function consumerLag(admin: Admin, prefix: string): Promise<number> {
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  const high = new Map<string, { high: number; low: number }>();
  for (const t of topics) for (const p of await admin.fetchTopicOffsets(t)) high.set(`${t}/${p.partition}`, { high: Number(p.high), low: Number(p.low) });
  let lag = 0;
  for (const groupId of groups) {
    for (const t of await admin.fetchOffsets({ groupId })) {
      for (const p of t.partitions) {
        const h = high.get(`${t.topic}/${p.partition}`);
        if (!h) continue;
        const committed = Number(p.offset);
        lag += committed < 0 ? h.high - h.low : Math.max(0, h.high - committed);
      }
    }
  }
  return lag;
}

/**
 * Until no hold is left and every consumer group of the platform has caught up (still so 0.5 s later),
 * or the deadline. When its groups cannot be told apart (a platform without a topic prefix), no holds
 * for 3 s instead.
 */
async function settle(client: Api, kafka: KafkaScope | undefined, dropId: string, adminToken: string, deadline: number): Promise<{ settled: boolean; settledAt: number; stock: Stock; lag: number | undefined }> {
  let admin: Admin | undefined;
  if (kafka) {
    admin = createKafka({ clientId: `bench-lag-${runId}`, brokers: kafka.brokers }).admin();
    await admin.connect();
  }
  try {
    let firstQuietAt: number | undefined;
    let lastLog = 0;
    for (;;) {
      const now = Date.now();
      const stock = await stockOf(client, dropId, adminToken);
      const lag = admin && kafka ? await consumerLag(admin, kafka.prefix).catch(() => Number.NaN) : undefined;
      if (stock.held === 0 && (lag === undefined || lag === 0)) {
        firstQuietAt ??= now;
        if (now - firstQuietAt >= (lag === undefined ? 3000 : 500)) return { settled: true, settledAt: firstQuietAt, stock, lag };
      } else firstQuietAt = undefined;
      if (now > deadline) return { settled: false, settledAt: now, stock, lag };
      if (now - lastLog > 5000) {
        lastLog = now;
        log(`  settling: held ${stock.held}, sold ${stock.sold}, available ${stock.available}, consumer lag ${lag ?? "?"}`);
      }
      await sleep(250);
    }
  } finally {
    await admin?.disconnect().catch(() => undefined);
  }
}

async function ordersOf(client: Api, buyer: Buyer, dropId: string): Promise<Order[]> {
  const out: Order[] = [];
  for (let page = 1; ; page++) {
    const r = await client.call<{ items: Order[]; total: number }>("GET", `/api/orders?page=${page}&pageSize=100`, { token: buyer.token });
    if (r.status !== 200) throw new Error(`GET /api/orders for ${buyer.buyerId}: ${r.status} ${JSON.stringify(r.body)}`);
    out.push(...r.body.items.filter((o) => o.dropId === dropId));
    if (page * 100 >= r.body.total || r.body.items.length === 0) return out;
  }
}

/** The row-lock comparison (gateway PURCHASE_STRATEGY=rowlock) has no saga: its orders are its own rows. */
function rowlockSchemaOf(variant: Variant): string | undefined {
  const g = variant.env.gateway ?? {};
  return g["PURCHASE_STRATEGY"] === "rowlock" ? (g["ROWLOCK_SCHEMA"] ?? "rowlock") : undefined;
}

/** The row-lock path's orders of `dropId`, as confirmed orders (they are final: nothing follows them). */
async function rowlockOrders(databaseUrl: string, schema: string, dropId: string): Promise<Map<string, Order>> {
  const pool = createPool(databaseUrl, { max: 1 });
  try {
    const r = await pool.query<{ order_id: string; buyer_id: string; quantity: number; created_at: Date }>(
      `SELECT order_id, buyer_id, quantity, created_at FROM "${schema}".rowlock_orders WHERE drop_id = $1`, [dropId]);
    return new Map(r.rows.map((o) => [o.order_id, { orderId: o.order_id, dropId, buyerId: o.buyer_id, quantity: o.quantity, status: "confirmed", updatedAt: o.created_at.toISOString() }]));
  } finally {
    await pool.end();
  }
}

// ------------------------------------------------------------------------------------ one config

async function runConfig(variant: Variant, first: boolean): Promise<{ config: ConfigResult; ceiling: CeilingResult | undefined }> {
  const dir = join(outDir, variant.name);
  mkdirSync(dir, { recursive: true });
  let stack: Stack | undefined;
  let stackStartS: number | null = null;
  let gatewayUrl = settings.gatewayUrl;
  if (!gatewayUrl) {
    log(`${variant.name}: starting the stack${variant.spec ? ` with ${variant.spec}` : ""}${Object.keys(settings.instances).length ? ` (${JSON.stringify(settings.instances)})` : ""}`);
    const t0 = performance.now();
    stack = await startStack({ instances: settings.instances, env: variant.env });
    currentStack = stack;
    stackStartS = round((performance.now() - t0) / 1000, 1);
    trackStack(stack);
    gatewayUrl = stack.gatewayUrl;
    log(`${variant.name}: stack up in ${stackStartS} s, gateway ${gatewayUrl}`);
  }
  const client = api(gatewayUrl);
  const url = new URL(gatewayUrl);
  const target = { host: url.hostname, port: Number(url.port || 80) };
  let kafka: KafkaScope | undefined = stack ? { prefix: stack.prefix, brokers: (stack.envFor("order")["KAFKA_BROKERS"] ?? "127.0.0.1:9092").split(",") } : undefined;
  if (!stack) {
    const found = platformProcesses(target.port);
    for (const [pid, label] of found.pids) tracked.set(pid, label);
    const prefix = found.gatewayEnv?.["KAFKA_TOPIC_PREFIX"];
    // an empty prefix would take every consumer group on the broker for this platform's
    if (prefix) kafka = { prefix, brokers: (found.gatewayEnv?.["KAFKA_BROKERS"] ?? "127.0.0.1:9092").split(",") };
    log(`${variant.name}: using the platform at ${gatewayUrl} (its processes: ${[...found.pids.values()].join(", ") || "none found"}; consumer lag ${kafka ? `of ${kafka.prefix}*` : "unknown"})`);
  }
  try {
    log(`${variant.name}: ${settings.buyerSource === "mint" ? "minting" : "signing up"} ${settings.buyers} buyers`);
    const seeded = await seedBuyers(client, settings.buyers, `${runId}-${variant.name}-${randomUUID().slice(0, 6)}`);
    const { buyersCsv, attemptsCsv } = writeCsvs(dir, seeded.buyers);
    log(`${variant.name}: ${settings.buyers} buyers in ${seeded.seconds} s; ${settings.attempts} attempts in ${relative(ROOT, attemptsCsv)}`);

    const ceiling = first && settings.ceiling ? await runCeiling(dir, attemptsCsv) : undefined;

    const drop = await setUpDrop(client, { units: settings.units, perBuyerLimit: settings.perBuyerLimit, holdSeconds: settings.holdSeconds, startsInMs: settings.opensInMs });
    const opening = Date.parse(drop.startsAt);
    log(`${variant.name}: drop ${drop.dropId} of ${settings.units} units opens at ${drop.startsAt}; JMeter fires ${settings.attempts} attempts with ${settings.threads} threads then`);
    const run = await flashPlan(variant.name, dir, target, drop.dropId, attemptsCsv, opening + 1);
    const stats = statsOf(run.samples, "purchase");
    log(`${variant.name}: ${stats.samples} attempts in ${stats.wallS} s = ${stats.perS}/s, p50 ${stats.latencyMs.p50} ms, p99 ${stats.latencyMs.p99} ms; ${JSON.stringify(stats.outcomes)}`);

    const deadline = Date.now() + settings.settleTimeoutS * 1000;
    const rowlockSchema = rowlockSchemaOf(variant);
    const rowlockDb = rowlockSchema ? (stack?.envFor("gateway")["DATABASE_URL"] ?? process.env["DATABASE_URL"] ?? "postgresql://postgres@127.0.0.1:5432/drops") : undefined;
    const rowlockRows = rowlockSchema && rowlockDb ? await rowlockOrders(rowlockDb, rowlockSchema, drop.dropId) : undefined;
    const rowlockStock = (rows: Map<string, Order>): Stock => {
      const sold = [...rows.values()].reduce((n, o) => n + o.quantity, 0);
      return { available: Math.max(0, settings.units - sold), held: 0, sold, total: settings.units, consistent: true };
    };
    const settled = rowlockRows
      ? { settled: true, settledAt: stats.lastEnd, stock: rowlockStock(rowlockRows), lag: undefined }
      : await settle(client, kafka, drop.dropId, drop.adminToken, deadline);
    cpu.sample();
    log(`${variant.name}: ${settled.settled ? "settled" : "NOT settled"} ${round((settled.settledAt - stats.lastEnd) / 1000, 1)} s after the burst; stock ${JSON.stringify(settled.stock)}`);

    // Every buyer's orders in this drop, from the platform (also those the JTL never saw).
    const purchases = run.samples.filter((s) => s.label === "purchase");
    const winners = purchases.filter((s) => s.code === "201");
    const tokenOf = new Map(seeded.buyers.map((b) => [b.buyerId, b]));
    let orders = new Map<string, Order>();
    const sweep = async (): Promise<void> => {
      const found = new Map<string, Order>();
      await pool(seeded.buyers, 32, async (b) => {
        for (const o of await ordersOf(client, b, drop.dropId)) found.set(o.orderId, { ...o, buyerId: o.buyerId ?? b.buyerId });
      });
      orders = found;
    };
    if (rowlockRows) orders = rowlockRows;
    else {
      await sweep();
      while ([...orders.values()].some((o) => !FINAL.has(o.status)) && Date.now() < deadline) {
        await sleep(1000);
        await sweep();
      }
    }
    const stock = rowlockRows ? rowlockStock(rowlockRows) : await stockOf(client, drop.dropId, drop.adminToken);

    // ------------------------------------------------------------------------------ the figures
    const all = [...orders.values()];
    const statuses: Record<string, number> = {};
    for (const o of all) {
      const k = `${o.status}${o.cancelReason ? ` (${o.cancelReason})` : o.failureReason ? ` (${o.failureReason})` : ""}`;
      statuses[k] = (statuses[k] ?? 0) + 1;
    }
    const confirmed = all.filter((o) => o.status === "confirmed");
    const confirmedUnits = confirmed.reduce((n, o) => n + o.quantity, 0);
    const perBuyer = new Map<string, number>();
    for (const o of all) if (!RELEASED.has(o.status)) perBuyer.set(o.buyerId ?? "", (perBuyer.get(o.buyerId ?? "") ?? 0) + o.quantity);
    const buyersOverLimit = [...perBuyer.values()].filter((q) => q > settings.perBuyerLimit).length;
    const winnerIds = winners.map((s) => s.outcome);
    const duplicateOrderIds = winnerIds.length - new Set(winnerIds).size;
    const heldWithoutOrder = winnerIds.filter((id) => !orders.has(id)).length;
    const oversold = Math.max(0, stock.sold + stock.held - settings.units, confirmedUnits - settings.units);
    const notFinal = all.filter((o) => !FINAL.has(o.status)).length;
    const failed = all.filter((o) => o.status === "failed").length;
    const otherErrors = stats.errors - stats.fiveXX - stats.connectionErrors;
    const problems: string[] = [];
    if (oversold > 0) problems.push(`oversold by ${oversold}`);
    if (duplicateOrderIds > 0) problems.push(`${duplicateOrderIds} 201s repeated another 201's order id`);
    if (buyersOverLimit > 0) problems.push(`${buyersOverLimit} buyers over the limit of ${settings.perBuyerLimit}`);
    if (notFinal > 0) problems.push(`${notFinal} orders not final`);
    if (failed > 0) problems.push(`${failed} orders failed (need an operator)`);
    if (heldWithoutOrder > 0) problems.push(`${heldWithoutOrder} 201s without an order`);
    if (stats.fiveXX > 0) problems.push(`${stats.fiveXX} 5xx answers`);
    if (stats.connectionErrors > 0) problems.push(`${stats.connectionErrors} connection errors`);
    if (otherErrors > 0) problems.push(`${otherErrors} answers neither 201 nor 409`);
    if (!stock.consistent) problems.push("admin stock view: Redis and the ledger disagree");
    if (stock.sold !== confirmedUnits) problems.push(`inventory sold ${stock.sold} but ${confirmedUnits} units in confirmed orders`);
    if (!settled.settled) problems.push(`the sagas did not settle within ${settings.settleTimeoutS} s`);
    if (stats.samples !== settings.attempts) problems.push(`JMeter recorded ${stats.samples} attempts, not ${settings.attempts}`);
    const warmUp = statsOf(run.samples, "warm-up purchase");
    if (warmUp.outcomes["201"]) problems.push(`${warmUp.outcomes["201"]} warm-up purchases were held: JMeter started too late for the opening (raise BENCH_OPENS_IN_MS)`);

    // Saga completion: each 201's answer (JMeter's clock) to its order's confirming update (the order
    // service's clock; the same machine).
    const answeredAt = new Map(winners.map((s) => [s.outcome, s.start + s.elapsed]));
    const sagaMs: number[] = [];
    let confirmedDuringBurst = 0;
    let lastConfirm = 0;
    for (const o of rowlockRows ? [] : confirmed) {
      const a = answeredAt.get(o.orderId);
      const u = o.updatedAt ? Date.parse(o.updatedAt) : Number.NaN;
      if (a === undefined || !Number.isFinite(u)) continue;
      sagaMs.push(Math.max(0, u - a));
      if (u <= stats.lastEnd) confirmedDuringBurst++;
      lastConfirm = Math.max(lastConfirm, u);
    }

    const byOutcome = new Map<string, number[]>();
    for (const s of purchases) {
      const k = s.code === "201" ? "held (201)" : s.code === "409" && s.outcome ? s.outcome : "other";
      const list = byOutcome.get(k);
      if (list) list.push(s.elapsed);
      else byOutcome.set(k, [s.elapsed]);
    }
    const lastHeld = winners.reduce((m, s) => Math.max(m, s.start + s.elapsed), 0);
    const firstSoldOut = purchases.filter((s) => s.outcome === "SOLD_OUT").reduce((m, s) => Math.min(m, s.start + s.elapsed), Number.POSITIVE_INFINITY);
    const beforeSoldOut = purchases.filter((s) => s.start + s.elapsed <= lastHeld).length;
    const soldOut = stock.sold + stock.held >= settings.units || Number.isFinite(firstSoldOut);

    // CPU windows: idle (JMeter starting, the platform waiting for the opening), the burst, the whole drop.
    const idle = cpu.window(run.launchedAt + 1000, Math.min(opening, stats.firstStart) - 250);
    const burst = cpu.window(stats.firstStart, stats.lastEnd);
    const wholeDrop = cpu.window(stats.firstStart, Math.max(stats.lastEnd, settled.settledAt));
    const perConfirmedOrderMs: Record<string, number> = {};
    let outside = 0;
    let platform = 0;
    for (const [label, s] of Object.entries(wholeDrop.cpuS)) {
      const isService = SERVICE_LABEL.test(label);
      if (!isService && !INFRA_LABELS.includes(label)) continue;
      perConfirmedOrderMs[label] = confirmed.length > 0 ? round((s * 1000) / confirmed.length, 2) : Number.NaN;
      platform += s;
      if (!label.startsWith("gateway")) outside += s;
    }

    let extras: Record<string, LabelStats> | undefined;
    if (first && settings.extraPlans) extras = await runExtras(dir, target, client, drop, winners.filter((s) => tokenOf.has(s.buyerId)).map((s) => ({ buyer: tokenOf.get(s.buyerId)!, orderId: s.outcome })));

    const config: ConfigResult = {
      name: variant.name,
      spec: variant.spec,
      stackStartS,
      seed: { buyers: settings.buyers, via: settings.buyerSource === "mint" ? "tokens minted with the stack's secret" : "POST /api/auth/signup", seconds: seeded.seconds },
      drop: { dropId: drop.dropId, startsAt: drop.startsAt, units: settings.units, perBuyerLimit: settings.perBuyerLimit, holdSeconds: settings.holdSeconds },
      burst: {
        ...stats,
        firstAttemptAfterOpeningMs: stats.firstStart - opening,
        soldOutAfterOpeningMs: soldOut && lastHeld > 0 ? lastHeld - opening : null,
        firstSoldOutAfterOpeningMs: Number.isFinite(firstSoldOut) ? firstSoldOut - opening : null,
        perSWhileOnSale: lastHeld > stats.firstStart ? Math.round(beforeSoldOut / ((lastHeld - stats.firstStart) / 1000)) : null,
        perSAfterSoldOut: stats.lastEnd > lastHeld && lastHeld > 0 ? Math.round((purchases.length - beforeSoldOut) / ((stats.lastEnd - lastHeld) / 1000)) : null,
        latencyByOutcomeMs: Object.fromEntries([...byOutcome].map(([k, v]) => [k, latency(v)])),
        held201: winners.length,
        warmUpPurchases: warmUp.outcomes,
      },
      checks: {
        units: settings.units,
        sold: stock.sold,
        stock,
        oversold,
        duplicateOrderIds,
        buyersOverLimit,
        ordersSeen: all.length,
        ordersNotFinal: notFinal,
        ordersFailed: failed,
        statuses,
        confirmed: confirmed.length,
        confirmedUnits,
        heldWithoutOrder,
        soldMatchesConfirmed: stock.sold === confirmedUnits,
        settled: settled.settled,
        settleS: round((settled.settledAt - stats.lastEnd) / 1000, 1),
        consumerLag: settled.lag ?? null,
        fiveXX: stats.fiveXX,
        connectionErrors: stats.connectionErrors,
        otherErrors,
        passed: problems.length === 0,
        problems,
      },
      saga: { confirmed: sagaMs.length, latencyMs: latency(sagaMs), confirmedDuringBurst, lastConfirmAfterOpeningMs: lastConfirm > 0 ? lastConfirm - opening : null },
      cpu: { idle, burst, wholeDrop, perConfirmedOrderMs, outsideGatewayMs: confirmed.length > 0 ? round((outside * 1000) / confirmed.length, 2) : null, platformMs: confirmed.length > 0 ? round((platform * 1000) / confirmed.length, 2) : null },
      extras,
      files: { jtl: run.jtl, dashboard: undefined, buyersCsv, attemptsCsv },
    };
    log(`${variant.name}: checks ${config.checks.passed ? "passed" : `FAILED: ${problems.join("; ")}`}`);
    return { config, ceiling };
  } finally {
    if (stack) {
      untrackStack(stack);
      log(`${variant.name}: stopping the stack`);
      await stack.stop().catch((err: unknown) => log(`stack stop failed: ${(err as Error).message}`));
      currentStack = undefined;
    }
  }
}

/** Browse/search, order polling and cart checkout, small, after the drop: so those plans cannot silently break. */
async function runExtras(
  dir: string,
  target: { host: string; port: number },
  client: Api,
  drop: DropSetup,
  orders: { buyer: Buyer; orderId: string }[],
): Promise<Record<string, LabelStats>> {
  const dropId = drop.dropId;
  const out: Record<string, LabelStats> = {};
  const common = { host: target.host, port: target.port, threads: settings.extraThreads, loops: settings.extraLoops };
  const run = async (name: string, plan: string, props: Record<string, string | number>, labels: string[]): Promise<void> => {
    const jtl = join(dir, `${name}.jtl`);
    const r = runPlan(ROOT, { plan, props: { ...common, ...props }, jtl, logFile: join(dir, `${name}.jmeter.log`) }, (line) => log(`  jmeter ${name}: ${line}`));
    stopJMeter = r.kill;
    const done = await r.done;
    stopJMeter = undefined;
    if (done.code !== 0) throw new Error(`JMeter ${name} exited with ${done.code}:\n${done.output.slice(-20).join("\n")}`);
    const samples = readJtl(jtl);
    for (const label of labels) out[`${name}: ${label}`] = statsOf(samples, label);
  };
  log("extra plans: browse-search and order-polling");
  await run("browse-search", "browse-search.jmx", { dropId }, ["search", "drop page"]);
  if (orders.length > 0) {
    const ordersCsv = join(dir, "orders.csv");
    writeFileSync(ordersCsv, `buyerId,token,orderId\n${orders.map((o) => `${o.buyer.buyerId},${o.buyer.token},${o.orderId}`).join("\n")}\n`);
    await run("order-polling", "order-polling.jmx", { orders: ordersCsv }, ["order"]);
  }
  // Cart checkout: three products, the first with fewer units than checkouts, so the plan sees both
  // answers (201 held and 409 LINE_UNAVAILABLE) and every loser's other lines are released.
  const checkouts = settings.extraThreads * settings.extraLoops;
  const stock = [Math.max(1, Math.floor(checkouts / 2)), checkouts, checkouts];
  const products = await Promise.all(stock.map((units) => createProduct(client, drop, { priceCents: 1500, stock: units })));
  const cartBuyersCsv = join(dir, "cart-buyers.csv");
  writeFileSync(cartBuyersCsv, `buyerId,token\n${Array.from({ length: checkouts }, () => mintBuyer()).map((b) => `${b.userId},${b.token}`).join("\n")}\n`);
  log(`extra plan: cart-checkout (${checkouts} checkouts of three lines, ${stock.join("/")} units)`);
  await run("cart-checkout", "cart-checkout.jmx", { buyers: cartBuyersCsv, p1: products[0]!, p2: products[1]!, p3: products[2]!, loops: -1 }, ["cart line", "checkout"]);
  return out;
}

// ------------------------------------------------------------------------------------------- main

function javaVersion(): string {
  const r = spawnSync("java", ["-version"], { encoding: "utf8" });
  return `${r.stderr ?? ""}${r.stdout ?? ""}`.split("\n")[0]?.trim() ?? "";
}

async function main(): Promise<number> {
  const hardStop = setTimeout(() => {
    log(`hard deadline of ${settings.maxMinutes} min reached: stopping`);
    void cleanup().finally(() => process.exit(2));
  }, settings.maxMinutes * 60_000);
  hardStop.unref();
  const onSignal = (sig: NodeJS.Signals): void => {
    log(`${sig}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  log(`flash-drop benchmark (${settings.scale}): ${settings.attempts} attempts, ${settings.buyers} buyers, ${settings.units} units, ${settings.threads} threads; output in ${relative(ROOT, outDir) || outDir}`);
  await provisionJMeter(ROOT, (line) => log(`  ${line}`));
  const loadAtStart = loadavg().map((l) => round(l, 2));
  cpu.start();

  const configs: ConfigResult[] = [];
  let ceiling: CeilingResult | undefined;
  try {
    for (const [i, variant] of [settings.baseline, ...settings.variants].entries()) {
      const r = await runConfig(variant, i === 0);
      configs.push(r.config);
      ceiling ??= r.ceiling;
    }
  } finally {
    cpu.stop();
    clearTimeout(hardStop);
  }

  let ceilingDashboard: string | undefined;
  if (settings.dashboards) {
    log("building the HTML dashboards");
    const build = async (jtl: string, dir: string, title: string): Promise<string | undefined> => {
      const logFile = `${dir}.log`;
      const ok = await dashboard(ROOT, { jtl, outDir: dir, title, labels: "^purchase$", logFile }, () => undefined);
      if (!ok) log(`  dashboard ${relative(ROOT, dir)} failed (see ${relative(ROOT, logFile)})`);
      return ok ? dir : undefined;
    };
    if (ceiling) ceilingDashboard = await build(ceiling.jtl, join(outDir, settings.baseline.name, "ceiling-dashboard"), "flash drop: hello-world ceiling");
    for (const c of configs) c.files.dashboard = await build(c.files.jtl, join(outDir, c.name, "dashboard"), `flash drop: ${c.name}`);
  }

  const { baseline, variants, ...rest } = settings;
  const summary: Summary = {
    when: startedAt.toISOString(),
    scale: settings.scale,
    settings: { ...rest, baseline: baseline.spec, variants: variants.map((v) => `${v.name}:${v.spec}`) },
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "", memGiB: round(totalmem() / 2 ** 30, 1), node: process.version, java: javaVersion(), loadavgAtStart: loadAtStart },
    ceiling: ceiling ? { stats: ceiling.stats, server: ceiling.server, warmUpRequests: ceiling.warmUpRequests, cpu: ceiling.cpu, dashboard: ceilingDashboard } : undefined,
    configs,
    passed: configs.every((c) => c.checks.passed),
    outDir,
  };
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  writeFileSync(join(outDir, "summary.json"), json);
  if (settings.json) writeFileSync(resolve(settings.json), json);
  const report = renderReport(summary, ROOT);
  writeFileSync(join(outDir, "report.md"), `${report}\n`);
  if (settings.doc) {
    writeDoc(resolve(ROOT, settings.doc), report);
    log(`wrote the generated section of ${settings.doc}`);
  }
  process.stdout.write(`${report}\n`);
  log(`${summary.passed ? "all outcome checks passed" : "OUTCOME CHECKS FAILED"}; summary in ${relative(ROOT, join(outDir, "summary.json"))}`);
  return summary.passed ? 0 : 1;
}

async function cleanup(): Promise<void> {
  stopJMeter?.();
  for (const c of children) c.kill("SIGTERM");
  if (currentStack) await currentStack.stop().catch(() => undefined);
}

let code: number;
try {
  code = await main();
} catch (err) {
  log(`failed: ${(err as Error).stack ?? String(err)}`);
  await cleanup();
  code = 2;
}
// keep-alive sockets of the API client must not hold the process open
process.stdout.write("", () => process.exit(code));

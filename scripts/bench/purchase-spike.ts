/**
 * A rough purchase-spike benchmark: the whole platform as real processes (@drops/e2e startStack,
 * isolated by a topic prefix and schemas on the local Kafka, Redis and PostgreSQL), one drop, a crowd
 * of buyers firing purchase attempts at a fixed concurrency over keep-alive HTTP (undici Agent),
 * then every winner's saga followed to `confirmed`.
 *
 *   node scripts/bench/purchase-spike.ts [--units 1000] [--attempts 20000] [--buyers 5000]
 *     [--concurrency 200] [--instances gateway=1,inventory=2,order=2] [--inventory 2] [--order 2]
 *     [--gateway 1] [--starts-in 4000] [--hold 120] [--confirm-timeout 60] [--json out.json]
 *
 * Everything targets 127.0.0.1; the stack is stopped at the end, on error and on SIGINT/SIGTERM, and
 * a hard deadline (--max-minutes, default 10) ends the run whatever happens. It measures; it asserts
 * nothing, except that the process exits 1 when the run oversold (admin held+sold above the units,
 * more confirmed orders than units, or two 201s with one order id). More 201s than units alone is not
 * an oversell: a cancelled order releases its unit, which another buyer may then take.
 *
 * Not the brief's JMeter plan (that comes later): this is a first rough figure from Node.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { Agent, request } from "undici";
import { api, mintBuyer, setUpDrop, startStack, SERVICES, type ServiceName, type Stack } from "../../packages/e2e/src/index.ts";

// ---------------------------------------------------------------------------------------------- args

const { values: args } = parseArgs({
  options: {
    units: { type: "string", default: "1000" },
    attempts: { type: "string", default: "20000" },
    buyers: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "200" },
    instances: { type: "string", multiple: true, default: [] },
    gateway: { type: "string" },
    inventory: { type: "string" },
    order: { type: "string" },
    "starts-in": { type: "string", default: "4000" },
    hold: { type: "string", default: "120" },
    "confirm-timeout": { type: "string", default: "60" },
    "max-minutes": { type: "string", default: "10" },
    json: { type: "string" },
  },
  strict: true,
});

function int(name: string, raw: string | undefined, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min} (got ${raw})`);
  return n;
}

const cfg = {
  units: int("units", args.units, 1),
  attempts: int("attempts", args.attempts, 1),
  buyers: int("buyers", args.buyers, 1),
  concurrency: int("concurrency", args.concurrency, 1),
  startsInMs: int("starts-in", args["starts-in"], 1000),
  holdSeconds: int("hold", args.hold, 5),
  confirmTimeoutMs: int("confirm-timeout", args["confirm-timeout"], 1) * 1000,
  maxMs: int("max-minutes", args["max-minutes"], 1) * 60_000,
};

const instances: Partial<Record<ServiceName, number>> = {};
for (const spec of args.instances.flatMap((s) => s.split(","))) {
  const [name, n] = spec.split("=");
  if (!name || !(SERVICES as readonly string[]).includes(name)) throw new Error(`--instances: unknown service in "${spec}" (${SERVICES.join(", ")})`);
  instances[name as ServiceName] = int(`instances ${name}`, n, 1);
}
for (const name of ["gateway", "inventory", "order"] as const) {
  if (args[name] !== undefined) instances[name] = int(name, args[name], 1);
}

const log = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
};

// --------------------------------------------------------------------------------------- CPU sampling

/** CPU seconds (user+system) per process of interest, read from /proc (Linux only; empty elsewhere). */
type CpuSnapshot = { at: number; machineBusyTicks: number; machineTotalTicks: number; perPid: Map<number, { label: string; ticks: number }> };
const TICKS_PER_S = 100; // USER_HZ on Linux

function procCpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  } catch {
    return undefined;
  }
}

function procComm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

function procCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** Infra processes by label: Redis, Kafka (a JVM whose command line names kafka), PostgreSQL. */
function infraPids(): Map<number, string> {
  const out = new Map<number, string>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const e of entries) {
    const pid = Number(e);
    const comm = procComm(pid);
    if (comm.startsWith("redis-server")) out.set(pid, "redis");
    else if (comm === "postgres" || comm.startsWith("postgres")) out.set(pid, "postgresql");
    else if (comm === "java" && /kafka/i.test(procCmdline(pid))) out.set(pid, "kafka");
  }
  return out;
}

function snapshot(stack: Stack | undefined): CpuSnapshot {
  const perPid = new Map<number, { label: string; ticks: number }>();
  const add = (pid: number, label: string): void => {
    const ticks = procCpuTicks(pid);
    if (ticks !== undefined) perPid.set(pid, { label, ticks });
  };
  add(process.pid, "load generator (this process)");
  for (const inst of stack?.instances ?? []) if (inst.proc?.pid) add(inst.proc.pid, `${inst.service}#${inst.index}`);
  for (const [pid, label] of infraPids()) add(pid, label); // postgres: every backend (a new one counts from its start)
  let busy = 0;
  let total = 0;
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const nums = line.trim().split(/\s+/).slice(1).map(Number);
    total = nums.reduce((a, b) => a + b, 0);
    busy = total - (nums[3] ?? 0) - (nums[4] ?? 0); // minus idle, iowait
  } catch {
    // not Linux
  }
  return { at: performance.now(), machineBusyTicks: busy, machineTotalTicks: total, perPid };
}

function cpuBetween(
  a: CpuSnapshot,
  b: CpuSnapshot,
): {
  wallS: number;
  machineBusyPct: number;
  machineBusyCores: number;
  listedCores: number;
  unlistedCores: number;
  restarted: string[];
  perProcCpuS: Record<string, number>;
  perProcCoresAvg: Record<string, number>;
} {
  const wallS = (b.at - a.at) / 1000;
  const perProcCpuS: Record<string, number> = {};
  const perProcCoresAvg: Record<string, number> = {};
  // Per pid: a process that started in between counts from its start; one that ended is lost.
  const byLabel = new Map<string, number>();
  for (const [pid, { label, ticks }] of b.perPid) byLabel.set(label, (byLabel.get(label) ?? 0) + (ticks - (a.perPid.get(pid)?.ticks ?? 0)) / TICKS_PER_S);
  // A single-process piece of the infrastructure (Kafka, Redis) with a new pid was restarted in between.
  const restarted = ["kafka", "redis"].filter((label) => {
    const before = [...a.perPid].filter(([, v]) => v.label === label).map(([pid]) => pid);
    const after = [...b.perPid].filter(([, v]) => v.label === label).map(([pid]) => pid);
    return before.length > 0 && !before.every((pid) => after.includes(pid));
  });
  const deltas = [...byLabel];
  deltas.sort((x, y) => y[1] - x[1]);
  for (const [label, d] of deltas) {
    perProcCpuS[label] = round(d, 2);
    perProcCoresAvg[label] = round(wallS > 0 ? d / wallS : 0, 2);
  }
  const dt = b.machineTotalTicks - a.machineTotalTicks;
  const busyFraction = dt > 0 ? (b.machineBusyTicks - a.machineBusyTicks) / dt : 0;
  const machineBusyCores = busyFraction * cpus().length;
  const listedCores = wallS > 0 ? deltas.reduce((sum, [, d]) => sum + d, 0) / wallS : 0;
  return {
    wallS: round(wallS, 2),
    machineBusyPct: round(busyFraction * 100, 1),
    machineBusyCores: round(machineBusyCores, 2),
    // every process listed above (the stack, this process, and the shared Redis/Kafka/PostgreSQL)
    listedCores: round(listedCores, 2),
    // anything else on the machine (other work sharing the box) and the kernel
    unlistedCores: round(Math.max(0, machineBusyCores - listedCores), 2),
    restarted,
    perProcCpuS,
    perProcCoresAvg,
  };
}

// ------------------------------------------------------------------------------------------- helpers

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Nearest-rank percentile of an ascending sorted array. */
function pct(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

// --------------------------------------------------------------------------------------------- run

type Attempt = {
  buyer: number;
  /** ms since the burst started, when the request was sent / answered */
  sentMs: number;
  doneMs: number;
  latencyMs: number;
  /** wall clock (Date.now()) of the answer, to compare with the order's updatedAt */
  doneWall: number;
  status: number; // 0: network error
  code: string; // body code, "HELD" for a 201, the error code for a network error
  orderId?: string;
};

async function run(): Promise<{ summary: Record<string, unknown>; oversold: boolean }> {
  let stack: Stack | undefined;
  const agent = new Agent({ connections: cfg.concurrency + 16, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 120_000, pipelining: 1 });
  const hardStop = setTimeout(() => {
    log(`hard deadline of ${cfg.maxMs / 60_000} min reached: stopping`);
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(2));
  }, cfg.maxMs);
  hardStop.unref();
  const onSignal = (sig: NodeJS.Signals): void => {
    log(`${sig}: stopping the stack`);
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const tStart = performance.now();
    log(`starting the stack (${JSON.stringify(instances)})`);
    stack = await startStack({ instances });
    const stackStartS = (performance.now() - tStart) / 1000;
    const base = stack.gatewayUrl;
    const client = api(base);
    log(`stack up in ${stackStartS.toFixed(1)} s, gateway ${base}`);

    const drop = await setUpDrop(client, { units: cfg.units, perBuyerLimit: 1, holdSeconds: cfg.holdSeconds, startsInMs: cfg.startsInMs });
    log(`drop ${drop.dropId} starts at ${drop.startsAt}`);

    const buyers = Array.from({ length: cfg.buyers }, () => mintBuyer());
    // Each buyer several times (attempts spread as evenly as possible), in random order.
    const plan: number[] = [];
    for (let i = 0; i < cfg.attempts; i++) plan.push(i % cfg.buyers);
    shuffle(plan);
    const bodies = JSON.stringify({ quantity: 1, paymentMethod: "pm_card_ok" });
    const purchaseUrl = `${base}/api/drops/${drop.dropId}/purchases`;

    // Open the keep-alive connections before the clock starts (GET /health, concurrency at once).
    await Promise.all(
      Array.from({ length: cfg.concurrency }, async () => {
        const r = await request(`${base}/health`, { dispatcher: agent });
        await r.body.text();
      }),
    );

    // Wait for the start, then until the drop reads open (the inventory loads the stock at the start).
    const startsAtMs = Date.parse(drop.startsAt);
    const waitMs = startsAtMs - Date.now() + 20;
    if (waitMs > 0) await sleep(waitMs);
    let openAfterMs = 0;
    for (;;) {
      const d = await client.call<{ status?: string }>("GET", `/api/drops/${drop.dropId}`);
      if (d.body.status === "open") break;
      if (Date.now() - startsAtMs > 15_000) throw new Error(`drop not open 15 s after its start: ${JSON.stringify(d.body)}`);
      await sleep(20);
    }
    openAfterMs = Date.now() - startsAtMs;
    log(`drop open ${openAfterMs} ms after startsAt; firing ${cfg.attempts} attempts from ${cfg.buyers} buyers at concurrency ${cfg.concurrency}`);

    // ----------------------------------------------------------------------------------- the burst
    const results: Attempt[] = new Array<Attempt>(cfg.attempts);
    let next = 0;
    const loadBefore = loadavg().map((l) => round(l, 2));
    const cpu0 = snapshot(stack);
    const t0Wall = Date.now();
    const t0 = process.hrtime.bigint();
    const sinceT0 = (t: bigint): number => Number(t - t0) / 1e6;
    const worker = async (): Promise<void> => {
      while (next < plan.length) {
        const idx = next++;
        const b = plan[idx] as number;
        const buyer = buyers[b] as { token: string };
        const sent = process.hrtime.bigint();
        let status = 0;
        let code = "";
        let orderId: string | undefined;
        try {
          const res = await request(purchaseUrl, {
            method: "POST",
            dispatcher: agent,
            headers: { authorization: `Bearer ${buyer.token}`, "content-type": "application/json", "idempotency-key": randomUUID() },
            body: bodies,
            headersTimeout: 30_000,
            bodyTimeout: 30_000,
          });
          status = res.statusCode;
          const text = await res.body.text();
          try {
            const body = JSON.parse(text) as { code?: string; orderId?: string; status?: string };
            code = status === 201 ? "HELD" : (body.code ?? "");
            orderId = body.orderId;
          } catch {
            code = "NON_JSON";
          }
        } catch (err) {
          status = 0;
          code = (err as { code?: string }).code ?? (err as Error).name;
        }
        const done = process.hrtime.bigint();
        results[idx] = {
          buyer: b,
          sentMs: sinceT0(sent),
          doneMs: sinceT0(done),
          latencyMs: Number(done - sent) / 1e6,
          doneWall: Date.now(),
          status,
          code,
          ...(status === 201 && orderId ? { orderId } : {}),
        };
      }
    };
    await Promise.all(Array.from({ length: Math.min(cfg.concurrency, plan.length) }, worker));
    const wallMs = sinceT0(process.hrtime.bigint());
    const cpu1 = snapshot(stack);
    log(`burst done in ${(wallMs / 1000).toFixed(2)} s`);

    // --------------------------------------------------------------------------------- the figures
    const lat = Float64Array.from(results.map((r) => r.latencyMs)).sort();
    const counts: Record<string, number> = {};
    for (const r of results) {
      const key = r.status === 0 ? `network error ${r.code}` : r.status >= 500 ? `${r.status} ${r.code}` : `${r.status} ${r.code}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const winners = results.filter((r) => r.status === 201);
    const soldOut = results.filter((r) => r.status === 409 && r.code === "SOLD_OUT");
    const fiveXX = results.filter((r) => r.status >= 500).length;
    const network = results.filter((r) => r.status === 0).length;
    const lastWinMs = winners.reduce((m, r) => Math.max(m, r.doneMs), 0);
    const firstSoldOutMs = soldOut.reduce((m, r) => Math.min(m, r.doneMs), Number.POSITIVE_INFINITY);
    const winnersBuyers = new Set(winners.map((r) => r.buyer));
    const winnerOrderIds = new Set(winners.map((r) => r.orderId));
    const latOf = (rs: Attempt[]): { p50: number; p99: number } => {
      const s = Float64Array.from(rs.map((r) => r.latencyMs)).sort();
      return { p50: round(pct(s, 50), 2), p99: round(pct(s, 99), 2) };
    };
    // Throughput while units were still on sale vs after (the sold-out flag answers without Redis).
    const beforeSoldOut = results.filter((r) => r.doneMs <= lastWinMs).length;
    const afterSoldOut = results.length - beforeSoldOut;

    const stock = await client.call<{ available: number; held: number; sold: number; total: number; consistent: boolean; problems?: unknown }>(
      "GET",
      `/api/admin/drops/${drop.dropId}/stock`,
      { token: drop.adminToken },
    );
    const s0 = stock.body;
    log(`admin stock after the burst: ${JSON.stringify({ available: s0.available, held: s0.held, sold: s0.sold, total: s0.total, consistent: s0.consistent })}`);

    // ------------------------------------------------------------------------ sagas to `confirmed`
    type Saga = { orderId: string; token: string; answerWall: number; status?: string; reason?: string; updatedWall?: number; seenWall?: number };
    const sagas: Saga[] = winners.map((r) => ({ orderId: r.orderId ?? "", token: (buyers[r.buyer] as { token: string }).token, answerWall: r.doneWall }));
    const TERMINAL = new Set(["confirmed", "cancelled", "expired", "refunded", "failed"]);
    const lastAnswerWall = winners.reduce((m, r) => Math.max(m, r.doneWall), Date.now());
    const deadline = lastAnswerWall + cfg.confirmTimeoutMs + 2_000;
    const pollStart = Date.now();
    let rounds = 0;
    for (;;) {
      const pending = sagas.filter((s) => !s.status || !TERMINAL.has(s.status));
      if (pending.length === 0 || Date.now() > deadline) break;
      rounds++;
      await pool(pending, 32, async (s) => {
        try {
          const res = await request(`${base}/api/orders/${s.orderId}`, { dispatcher: agent, headers: { authorization: `Bearer ${s.token}` } });
          const text = await res.body.text();
          if (res.statusCode !== 200) return;
          const o = JSON.parse(text) as { status?: string; updatedAt?: string; cancelReason?: string | null; failureReason?: string | null };
          s.status = o.status;
          s.reason = o.cancelReason ?? o.failureReason ?? undefined;
          if (o.status && TERMINAL.has(o.status)) {
            s.seenWall = Date.now();
            if (o.updatedAt) s.updatedWall = Date.parse(o.updatedAt);
          }
        } catch {
          // try again next round
        }
      });
      await sleep(250);
    }
    const cpu2 = snapshot(stack);
    const confirmed = sagas.filter((s) => s.status === "confirmed" && s.updatedWall !== undefined);
    // The order's updatedAt is written by the saga step that confirmed it (same machine, same clock).
    const sagaMs = Float64Array.from(confirmed.map((s) => (s.updatedWall as number) - s.answerWall)).sort();
    const notWithin = sagas.length - confirmed.filter((s) => (s.updatedWall as number) - s.answerWall <= cfg.confirmTimeoutMs).length;
    const finalStatuses: Record<string, number> = {};
    for (const s of sagas) {
      const key = `${s.status ?? "(none seen)"}${s.reason ? ` (${s.reason})` : ""}`;
      finalStatuses[key] = (finalStatuses[key] ?? 0) + 1;
    }
    const ended = sagas.filter((s) => s.status !== undefined && s.status !== "confirmed" && TERMINAL.has(s.status)).length;
    const lastConfirmWall = confirmed.reduce((m, s) => Math.max(m, s.updatedWall as number), 0);
    const stockAfter = await client.call<{ available: number; held: number; sold: number; total: number; consistent: boolean }>(
      "GET",
      `/api/admin/drops/${drop.dropId}/stock`,
      { token: drop.adminToken },
    );
    const s1 = stockAfter.body;
    log(`sagas: ${JSON.stringify(finalStatuses)}; admin stock now ${JSON.stringify({ available: s1.available, held: s1.held, sold: s1.sold, consistent: s1.consistent })}`);

    // A 201 whose order was later cancelled gave its unit back, and another buyer may take it: more 201s
    // than units is not an oversell by itself. Oversold is more units held+sold than exist, or more
    // confirmed orders than units, or two 201s sharing an order id.
    const oversold =
      s0.sold + s0.held > cfg.units || s1.sold + s1.held > cfg.units || confirmed.length > cfg.units || winnerOrderIds.size !== winners.length;
    const summary = {
      when: new Date().toISOString(),
      loadavgBeforeBurst: loadBefore,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "", memGiB: round(totalmem() / 2 ** 30, 1), node: process.version },
      config: { ...cfg, instances: Object.fromEntries(SERVICES.map((s) => [s, instances[s] ?? 1])), perBuyerLimit: 1, stackStartS: round(stackStartS, 1), openAfterStartsAtMs: openAfterMs },
      burst: {
        wallS: round(wallMs / 1000, 3),
        attemptsPerS: round(cfg.attempts / (wallMs / 1000), 0),
        latencyMs: { p50: round(pct(lat, 50), 2), p95: round(pct(lat, 95), 2), p99: round(pct(lat, 99), 2), max: round(pct(lat, 100), 2), mean: round(lat.reduce((a, b) => a + b, 0) / lat.length, 2) },
        latencyByOutcomeMs: { held: latOf(winners), soldOut: latOf(soldOut), limitReached: latOf(results.filter((r) => r.code === "LIMIT_REACHED")) },
        counts,
        created201: winners.length,
        soldOut409: soldOut.length,
        limitReached409: results.filter((r) => r.code === "LIMIT_REACHED").length,
        other4xx: results.filter((r) => r.status >= 400 && r.status < 500 && r.code !== "SOLD_OUT" && r.code !== "LIMIT_REACHED").length,
        fiveXX,
        networkErrors: network,
        lastHeldAnswerMs: round(lastWinMs, 1),
        firstSoldOutAnswerMs: Number.isFinite(firstSoldOutMs) ? round(firstSoldOutMs, 1) : null,
        attemptsPerSWhileOnSale: lastWinMs > 0 ? round(beforeSoldOut / (lastWinMs / 1000), 0) : null,
        attemptsPerSAfterSoldOut: wallMs - lastWinMs > 0 ? round(afterSoldOut / ((wallMs - lastWinMs) / 1000), 0) : null,
        distinctWinningBuyers: winnersBuyers.size,
        cpu: cpuBetween(cpu0, cpu1),
      },
      oversoldCheck: {
        units: cfg.units,
        created201: winners.length,
        distinctOrderIds: winnerOrderIds.size,
        stockAfterBurst: { available: s0.available, held: s0.held, sold: s0.sold, total: s0.total, consistent: s0.consistent },
        stockAfterSagas: { available: s1.available, held: s1.held, sold: s1.sold, total: s1.total, consistent: s1.consistent },
        confirmedOrders: confirmed.length,
        ordersEndedWithoutSale: ended,
        created201EqualsUnits: winners.length === cfg.units,
        // every 201 beyond the units must be matched by an order that ended without a sale (its unit released)
        extra201sExplainedByReleases: winners.length <= cfg.units + ended,
        oversold,
      },
      saga: {
        winners: sagas.length,
        confirmed: confirmed.length,
        finalStatuses,
        confirmLatencyMs: { p50: round(pct(sagaMs, 50), 0), p95: round(pct(sagaMs, 95), 0), p99: round(pct(sagaMs, 99), 0), max: round(pct(sagaMs, 100), 0) },
        notConfirmedWithinS: { seconds: cfg.confirmTimeoutMs / 1000, count: notWithin },
        lastConfirmAfterBurstStartS: lastConfirmWall > 0 ? round((lastConfirmWall - t0Wall) / 1000, 2) : null,
        pollRounds: rounds,
        pollWallS: round((Date.now() - pollStart) / 1000, 1),
        cpuFromBurstEndToSagasDone: cpuBetween(cpu1, cpu2),
      },
    };
    return { summary, oversold };
  } finally {
    clearTimeout(hardStop);
    await agent.close().catch(() => undefined);
    if (stack) {
      log("stopping the stack");
      await stack.stop().catch((err: unknown) => log(`stop failed: ${(err as Error).message}`));
    }
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

function markdown(s: Record<string, unknown>): string {
  const b = s["burst"] as Record<string, unknown> & { latencyMs: Record<string, number>; cpu: ReturnType<typeof cpuBetween> };
  const o = s["oversoldCheck"] as Record<string, unknown> & { stockAfterBurst: Record<string, unknown>; stockAfterSagas: Record<string, unknown> };
  const g = s["saga"] as Record<string, unknown> & {
    confirmLatencyMs: Record<string, number>;
    notConfirmedWithinS: { seconds: number; count: number };
    cpuFromBurstEndToSagasDone: ReturnType<typeof cpuBetween>;
  };
  const rows: [string, string][] = [
    ["wall time of the burst", `${String(b["wallS"])} s`],
    ["attempts/s", String(b["attemptsPerS"])],
    ["latency p50 / p95 / p99 / max", `${b.latencyMs["p50"]} / ${b.latencyMs["p95"]} / ${b.latencyMs["p99"]} / ${b.latencyMs["max"]} ms`],
    ["201 held", String(b["created201"])],
    ["409 SOLD_OUT", String(b["soldOut409"])],
    ["409 LIMIT_REACHED", String(b["limitReached409"])],
    ["other 4xx", String(b["other4xx"])],
    ["5xx", String(b["fiveXX"])],
    ["network errors", String(b["networkErrors"])],
    ["last 201 answered at (sold out)", `${String(b["lastHeldAnswerMs"])} ms after the first attempt`],
    ["attempts/s while on sale / after", `${String(b["attemptsPerSWhileOnSale"])} / ${String(b["attemptsPerSAfterSoldOut"])}`],
    ["oversold", `${String(o["oversold"])} (201s ${String(o["created201"])} for ${String(o["units"])} units, ${String(o["ordersEndedWithoutSale"])} orders ended without a sale; after burst held ${String(o.stockAfterBurst["held"])} + sold ${String(o.stockAfterBurst["sold"])}; after sagas held ${String(o.stockAfterSagas["held"])} + sold ${String(o.stockAfterSagas["sold"])})`],
    ["sagas confirmed", `${String(g["confirmed"])} of ${String(g["winners"])} (${JSON.stringify(g["finalStatuses"])})`],
    ["saga answer -> confirmed p50 / p99 / max", `${g.confirmLatencyMs["p50"]} / ${g.confirmLatencyMs["p99"]} / ${g.confirmLatencyMs["max"]} ms`],
    [`not confirmed within ${g.notConfirmedWithinS.seconds} s`, String(g.notConfirmedWithinS.count)],
    ["machine CPU busy during the burst", `${b.cpu.machineBusyPct} % (${b.cpu.machineBusyCores} cores: ${b.cpu.listedCores} listed below, ${b.cpu.unlistedCores} other)`],
    ["restarted during the run (not by this script)", JSON.stringify([...new Set([...b.cpu.restarted, ...g.cpuFromBurstEndToSagasDone.restarted])])],
  ];
  const c2 = g.cpuFromBurstEndToSagasDone;
  const cpuRows = Object.entries(b.cpu.perProcCoresAvg).map(([k, v]) => `| ${k} | ${v} | ${b.cpu.perProcCpuS[k]} | ${c2.perProcCoresAvg[k] ?? ""} | ${c2.perProcCpuS[k] ?? ""} |`);
  return [
    "| figure | value |",
    "|---|---|",
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    "",
    `CPU (cores on average, CPU seconds) during the burst (${b.cpu.wallS} s, machine ${b.cpu.machineBusyPct} % busy) and from its end until the sagas were done (${c2.wallS} s, machine ${c2.machineBusyPct} % busy, ${c2.unlistedCores} cores other):`,
    "",
    "| process | burst cores | burst CPU s | sagas cores | sagas CPU s |",
    "|---|---|---|---|---|",
    ...cpuRows,
  ].join("\n");
}

try {
  const { summary, oversold } = await run();
  const json = JSON.stringify(summary, null, 2);
  process.stdout.write(`${json}\n\n${markdown(summary)}\n`);
  if (args.json) writeFileSync(args.json, `${json}\n`);
  process.exit(oversold ? 1 : 0);
} catch (err) {
  log(`failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
}

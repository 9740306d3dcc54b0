/**
 * The waiting-room benchmark (a benchmark, not a test): 10,000 buyers queued for a 1,000-unit
 * queued drop, admitted at its rate, buying with their admission tokens. One command:
 *
 *   node scripts/bench/queue.ts                                # 10,000 buyers, 1,000 units, admitPerSecond 500
 *   node scripts/bench/queue.ts --buyers 1000 --units 100      # a smaller run (checks the harness)
 *
 * Options: `--buyers N` (10000), `--units N` (1000), `--rate N` (admitPerSecond, 500), `--procs N`
 * (buyer processes; default one per 2,500), `--opens-in-ms N` (the opening, after the drop is made;
 * default 8 s + 3 ms a buyer, so every buyer can join before it), `--poll-ms N` (buyers poll
 * /queue/me at this period instead of holding /queue/stream; 0 = stream, the default).
 *
 * What it does:
 *  1. The platform through the e2e stack (every service its own process on the local Kafka, Redis and
 *     PostgreSQL, namespaced; the inventory's admitter at ADMITTER_INTERVAL_MS 100).
 *  2. A queued drop: `units`, limit 1 per buyer, `queue: {admitPerSecond: rate}`, opening later.
 *  3. The buyers, over child processes (a process may hold 20,000 open files here: each child and this
 *     process raise the soft limit to the hard one; the gateway inherits it): each mints its token,
 *     joins (POST /queue; the join time is when its answer arrived), then holds
 *     GET /queue/stream?access_token= (a raw socket, like EventSource) — or polls /queue/me.
 *  4. An admitted buyer (its event says `admitted` with an admission token) buys at once
 *     (POST /purchases with Admission-Token) and closes its stream; a buyer shown `sold_out` keeps
 *     waiting (units could come back) until the run ends.
 *  5. Figures: join -> admission seen (p50 / p99; the early joiners wait for the opening too),
 *     opening -> admission, admission -> seen by the buyer (the admission's time is its expiry minus
 *     the admission TTL: the admitter's clock); admitted per second (first to last admission) against
 *     the configured rate; admissions after the first `sold_out` anyone was shown (must be 0);
 *     admitted == units; purchase outcomes; sold == units and the ledger consistent with Redis
 *     (the admin stock check, once the sagas settled).
 *  6. A JSON summary on stdout and in `.run/bench/queue-<time>.json`.
 *
 * Every process of the platform, the buyers and this runner share the machine (2 cores here).
 */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { connect } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { openFileLimits, runWithRaisedFileLimit, spawnWithFileLimit } from "./lib/limits.ts";
import { percentile } from "./lib/jtl.ts";

const SELF = fileURLToPath(import.meta.url);
const TTL_SECONDS = 120;

// ------------------------------------------------------------------------------------------ child

type ChildConfig = { base: string; dropId: string; count: number; inFlight: number; pollMs: number };
type BuyerRecord = {
  joinedAt: number;
  joinStatus: number;
  /** When the buyer first saw `admitted`, and the admission's time (its expiry minus the TTL). */
  seenAdmittedAt?: number;
  admittedAt?: number;
  firstSoldOutAt?: number;
  purchase?: string;
  lastStatus?: string;
  streamError?: string;
};
type ChildReport = { buyers: BuyerRecord[]; events: number };
type ToParent = { type: "progress"; joined: number; failed: number; admitted: number; soldOut: number; bought: number } | { type: "report"; report: ChildReport };
type ToChild = { type: "progress" } | { type: "report" } | { type: "exit" };

type Place = { status: string; position: number | null; admissionToken?: string; admissionExpiresAt?: string };

function runChild(cfg: ChildConfig): void {
  const nowMs = (): number => performance.timeOrigin + performance.now();
  const url = new URL(cfg.base);
  const records: BuyerRecord[] = [];
  const sockets = new Set<{ destroy: () => void }>();
  let joined = 0;
  let failed = 0;
  let admitted = 0;
  let soldOut = 0;
  let bought = 0;
  let events = 0;
  let exiting = false;

  const mint = async (): Promise<{ userId: string; token: string }> => (await import("@drops/e2e")).mintBuyer();

  const buy = async (rec: BuyerRecord, token: string, admission: string): Promise<void> => {
    const res = await fetch(`${cfg.base}/api/drops/${cfg.dropId}/purchases`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": randomUUID(), "admission-token": admission },
      body: JSON.stringify({ quantity: 1, paymentMethod: "pm_card_ok" }),
    }).catch(() => undefined);
    const body = res ? ((await res.json().catch(() => ({}))) as { code?: string }) : {};
    rec.purchase = res === undefined ? "error" : res.status === 201 ? "201" : `${res.status} ${body.code ?? ""}`.trim();
    if (res?.status === 201) bought++;
  };

  /** What a place seen by the buyer means: records the first admitted / sold_out; true when the buyer is done (admitted). */
  const seen = (rec: BuyerRecord, p: Place, token: string, at: number): boolean => {
    rec.lastStatus = p.status;
    if (p.status === "sold_out" && rec.firstSoldOutAt === undefined) {
      rec.firstSoldOutAt = at;
      soldOut++;
    }
    if (p.status === "admitted" && p.admissionToken && rec.seenAdmittedAt === undefined) {
      rec.seenAdmittedAt = at;
      rec.admittedAt = Date.parse(p.admissionExpiresAt ?? "") - TTL_SECONDS * 1000;
      admitted++;
      void buy(rec, token, p.admissionToken);
      return true;
    }
    return false;
  };

  const stream = (rec: BuyerRecord, token: string): Promise<void> =>
    new Promise((resolve) => {
      const sock = connect({ host: url.hostname, port: Number(url.port) });
      sockets.add(sock);
      sock.setEncoding("utf8");
      let buf = "";
      let body = false;
      let opened = false;
      const done = (): void => {
        if (!opened) {
          opened = true;
          resolve();
        }
      };
      sock.on("connect", () => {
        sock.write(`GET /api/drops/${cfg.dropId}/queue/stream?access_token=${token} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`);
      });
      sock.on("data", (chunk: string) => {
        const at = nowMs();
        buf += chunk;
        if (!body) {
          const h = buf.indexOf("\r\n\r\n");
          if (h < 0) return;
          if (!buf.startsWith("HTTP/1.1 200")) {
            rec.streamError = buf.slice(0, 12);
            sock.destroy();
            done();
            return;
          }
          body = true;
          buf = buf.slice(h + 4);
        }
        let end: number;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!data || !/^event: queue$/m.test(block)) continue;
          events++;
          done();
          if (seen(rec, JSON.parse(data) as Place, token, at)) {
            sockets.delete(sock);
            sock.end(); // admitted: this buyer no longer waits
            return;
          }
        }
      });
      sock.on("error", (err) => {
        rec.streamError ??= err.message;
        done();
      });
      sock.on("close", () => {
        sockets.delete(sock);
        if (!exiting && rec.seenAdmittedAt === undefined) rec.streamError ??= "closed by the gateway";
        done();
      });
    });

  const poll = async (rec: BuyerRecord, token: string): Promise<void> => {
    for (;;) {
      if (exiting) return;
      const res = await fetch(`${cfg.base}/api/drops/${cfg.dropId}/queue/me`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
      const at = nowMs();
      if (res?.status === 200) {
        events++;
        if (seen(rec, (await res.json()) as Place, token, at)) return;
      } else await res?.text().catch(() => "");
      await new Promise((r) => setTimeout(r, cfg.pollMs));
    }
  };

  const one = async (): Promise<void> => {
    const buyer = await mint();
    const rec: BuyerRecord = { joinedAt: NaN, joinStatus: 0 };
    records.push(rec);
    let res: Response | undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      // 503 while the inventory is still setting the drop's waiting room up (just after it was made)
      res = await fetch(`${cfg.base}/api/drops/${cfg.dropId}/queue`, { method: "POST", headers: { authorization: `Bearer ${buyer.token}` } }).catch(() => undefined);
      if (res?.status !== 503) break;
      await res.text().catch(() => "");
      await new Promise((r) => setTimeout(r, 200));
    }
    rec.joinedAt = nowMs();
    rec.joinStatus = res?.status ?? 0;
    await res?.text().catch(() => "");
    if (res?.status !== 200) {
      failed++;
      return;
    }
    joined++;
    if (cfg.pollMs > 0) void poll(rec, buyer.token);
    else await stream(rec, buyer.token);
  };

  // `inFlight` buyers joining (and opening their streams) at a time
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cfg.count) {
      next++;
      await one();
    }
  };
  for (let i = 0; i < cfg.inFlight; i++) void worker();

  const send = (m: ToParent): void => void process.send?.(m);
  process.on("message", (m: ToChild) => {
    if (m.type === "progress") send({ type: "progress", joined, failed, admitted, soldOut, bought });
    else if (m.type === "report") send({ type: "report", report: { buyers: records, events } });
    else {
      exiting = true;
      for (const s of sockets) s.destroy();
      process.exit(0);
    }
  });
}

// ----------------------------------------------------------------------------------------- parent

type Args = { buyers: number; units: number; rate: number; procs?: number; opensInMs?: number; pollMs: number };

function parseArgs(argv: string[]): Args {
  const out: Args = { buyers: 10_000, units: 1000, rate: 500, pollMs: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (min = 1): number => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < min) throw new Error(`${a} needs an integer >= ${min}`);
      return v;
    };
    if (a === "--buyers") out.buyers = num();
    else if (a === "--units") out.units = num();
    else if (a === "--rate") out.rate = num();
    else if (a === "--procs") out.procs = num();
    else if (a === "--opens-in-ms") out.opensInMs = num();
    else if (a === "--poll-ms") out.pollMs = num(0);
    else throw new Error(`unknown argument ${a} (see the top of scripts/bench/queue.ts)`);
  }
  return out;
}

const log = (msg: string): void => void process.stderr.write(`[queue ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 1): number => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

const dist = (values: number[]) => {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p90: round(percentile(s, 90)), p99: round(percentile(s, 99)), max: round(s.at(-1) ?? NaN) };
};

type Child = { proc: ChildProcess; waiters: ((m: ToParent) => void)[] };

function spawnChild(cfg: ChildConfig, hardLimit: number): Child {
  const proc = spawnWithFileLimit(hardLimit, [SELF, "--child"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, QUEUE_CHILD: JSON.stringify(cfg) },
  });
  const child: Child = { proc, waiters: [] };
  proc.on("message", (m: ToParent) => child.waiters.shift()?.(m));
  return child;
}

function ask(child: Child, m: ToChild): Promise<ToParent> {
  return new Promise((resolve) => {
    child.waiters.push(resolve);
    child.proc.send(m);
  });
}

async function progress(children: Child[]) {
  const all = (await Promise.all(children.map((c) => ask(c, { type: "progress" })))) as Extract<ToParent, { type: "progress" }>[];
  return all.reduce((a, p) => ({ joined: a.joined + p.joined, failed: a.failed + p.failed, admitted: a.admitted + p.admitted, soldOut: a.soldOut + p.soldOut, bought: a.bought + p.bought }), {
    joined: 0,
    failed: 0,
    admitted: 0,
    soldOut: 0,
    bought: 0,
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { hard } = openFileLimits();
  const { api, createProduct, setUpSeller, settledStock, startStack } = await import("@drops/e2e");
  const procs = args.procs ?? Math.max(1, Math.ceil(args.buyers / 2500));
  const opensInMs = args.opensInMs ?? 8000 + 3 * args.buyers;
  const loadBefore = loadavg().map((l) => round(l, 2));
  log(`${args.buyers} buyers over ${procs} processes, ${args.units} units, admitPerSecond ${args.rate}, ${args.pollMs ? `polling every ${args.pollMs} ms` : "holding /queue/stream"}; load ${loadBefore.join(" ")}`);
  const stack = await startStack({
    env: {
      inventory: { ADMISSION_TTL_SECONDS: String(TTL_SECONDS), ADMITTER_INTERVAL_MS: "100" },
      gateway: { QUEUE_ABANDON_GRACE_SECONDS: "300" },
    },
  });
  const children: Child[] = [];
  try {
    const client = api(stack.gatewayUrl);
    const seller = await setUpSeller(client);
    const productId = await createProduct(client, seller);
    const startsAt = new Date(Date.now() + opensInMs).toISOString();
    const created = await client.call<{ dropId: string }>("POST", "/api/drops", {
      token: seller.sellerToken,
      body: { productId, startsAt, units: args.units, perBuyerLimit: 1, holdSeconds: 300, queue: { admitPerSecond: args.rate } },
    });
    if (created.status !== 201) throw new Error(`queued drop: ${created.status} ${JSON.stringify(created.body)}`);
    const dropId = created.body.dropId;
    log(`drop ${dropId} opens at ${startsAt}`);

    const per = Math.ceil(args.buyers / procs);
    const joinStarted = Date.now();
    for (let i = 0; i < procs; i++) {
      const count = Math.min(per, args.buyers - i * per);
      if (count > 0) children.push(spawnChild({ base: stack.gatewayUrl, dropId, count, inFlight: 16, pollMs: args.pollMs }, hard));
    }
    let p = await progress(children);
    let joinedAllAt: number | undefined;
    const openAt = Date.parse(startsAt);
    for (;;) {
      await sleep(1000);
      p = await progress(children);
      if (joinedAllAt === undefined && p.joined + p.failed >= args.buyers) joinedAllAt = Date.now();
      log(`joined ${p.joined} (failed ${p.failed}), admitted ${p.admitted}, bought ${p.bought}, shown sold out ${p.soldOut}`);
      const settled = p.admitted >= args.units && p.soldOut + p.admitted >= p.joined && p.bought + 0 >= Math.min(p.admitted, args.units);
      if (Date.now() > openAt && settled) break;
      if (Date.now() > openAt + 120_000) {
        log("not settled within 2 minutes of the opening: reporting what is in");
        break;
      }
    }
    await sleep(1000);
    const reports = (await Promise.all(children.map((c) => ask(c, { type: "report" })))).map((m) => (m as Extract<ToParent, { type: "report" }>).report);
    const buyers = reports.flatMap((r) => r.buyers);
    const admittedBuyers = buyers.filter((b) => b.admittedAt !== undefined);
    const admissionTimes = admittedBuyers.map((b) => b.admittedAt!).sort((a, b) => a - b);
    const firstSoldOut = Math.min(...buyers.map((b) => b.firstSoldOutAt ?? Infinity));
    const lastAdmission = admissionTimes.at(-1) ?? NaN;
    const firstAdmission = admissionTimes[0] ?? NaN;
    const purchases: Record<string, number> = {};
    for (const b of admittedBuyers) purchases[b.purchase ?? "pending"] = (purchases[b.purchase ?? "pending"] ?? 0) + 1;
    const streamErrors: Record<string, number> = {};
    for (const b of buyers) if (b.streamError) streamErrors[b.streamError] = (streamErrors[b.streamError] ?? 0) + 1;
    const stock = await settledStock(client, seller.adminToken, dropId, 60_000).catch((err: unknown) => ({ error: String(err) }));
    const fairness = await client.call<{ joinedBeforeOpening?: string[] }>("GET", `/api/drops/${dropId}/queue/fairness`);
    const summary = {
      buyers: args.buyers,
      units: args.units,
      admitPerSecond: args.rate,
      mode: args.pollMs ? `poll ${args.pollMs} ms` : "stream",
      buyerProcesses: children.length,
      joined: buyers.filter((b) => b.joinStatus === 200).length,
      joinFailed: buyers.filter((b) => b.joinStatus !== 200).length,
      joinedBeforeOpening: fairness.body.joinedBeforeOpening?.length ?? null,
      joinSeconds: joinedAllAt ? round((joinedAllAt - joinStarted) / 1000) : null,
      admitted: admittedBuyers.length,
      admittedMinusUnits: admittedBuyers.length - args.units,
      admissionsAfterFirstSoldOut: admissionTimes.filter((t) => t > firstSoldOut).length,
      admittedPerSecond: admissionTimes.length > 1 ? round((admissionTimes.length - 1) / ((lastAdmission - firstAdmission) / 1000)) : null,
      admissionSpanMs: round(lastAdmission - firstAdmission),
      firstAdmissionAfterOpeningMs: round(firstAdmission - openAt),
      firstSoldOutShownAfterLastAdmissionMs: round(firstSoldOut - lastAdmission),
      shownSoldOut: buyers.filter((b) => b.firstSoldOutAt !== undefined).length,
      lastStatuses: buyers.reduce<Record<string, number>>((a, b) => ((a[b.lastStatus ?? "none"] = (a[b.lastStatus ?? "none"] ?? 0) + 1), a), {}),
      latencyMs: {
        joinToAdmissionSeen: dist(admittedBuyers.map((b) => b.seenAdmittedAt! - b.joinedAt)),
        openingToAdmission: dist(admittedBuyers.map((b) => b.admittedAt! - openAt)),
        admissionToSeen: dist(admittedBuyers.map((b) => b.seenAdmittedAt! - b.admittedAt!)),
        lastAdmissionToSoldOutSeen: dist(buyers.filter((b) => b.firstSoldOutAt !== undefined).map((b) => b.firstSoldOutAt! - lastAdmission)),
      },
      purchases,
      streamErrors,
      queueEvents: reports.reduce((a, r) => a + r.events, 0),
      stock,
      soldEqualsUnits: "sold" in stock ? stock.sold === args.units : false,
      machine: { loadavgBefore: loadBefore, loadavgAfter: loadavg().map((l) => round(l, 2)) },
    };
    const out = JSON.stringify(summary, null, 2);
    process.stdout.write(`${out}\n`);
    const dir = join(fileURLToPath(new URL("../../", import.meta.url)), ".run", "bench");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `queue-${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}.json`);
    writeFileSync(file, out);
    log(`written to ${file}`);
  } finally {
    for (const c of children) c.proc.send({ type: "exit" } satisfies ToChild);
    await stack.stop().catch((err: unknown) => log(`stack stop: ${String(err)}`));
  }
  process.exit(0);
}

if (process.argv[2] === "--child") {
  runChild(JSON.parse(process.env["QUEUE_CHILD"] ?? "{}") as ChildConfig);
} else {
  runWithRaisedFileLimit(SELF, "QUEUE_REEXEC", main, log);
}

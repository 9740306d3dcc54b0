/**
 * The benchmark's Markdown report, and its place in docs/performance.md: between the two markers
 * below, so whatever is written by hand around it survives every run.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import type { CpuWindow } from "./cpu.ts";
import type { LabelStats, Latency } from "./jtl.ts";
import type { ConfigResult, Summary } from "./types.ts";

export const BEGIN = "<!-- BEGIN GENERATED: scripts/bench/flash-drop.sh writes everything up to the END marker; edit outside it -->";
export const END = "<!-- END GENERATED -->";

const n = (x: number | null | undefined, digits = 0): string => {
  if (x === null || x === undefined || !Number.isFinite(x)) return "-";
  return x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
};
const ms = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? "-" : `${n(x, x < 10 ? 1 : 0)} ms`);
const pct = (part: number | null | undefined, whole: number | null | undefined): string =>
  part === null || part === undefined || !whole || !Number.isFinite(part) ? "" : ` (${n((100 * part) / whole, 1)} % of the ceiling)`;
const lat = (l: Latency): string => `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)} / ${ms(l.max)}`;
const row = (cells: string[]): string => `| ${cells.join(" | ")} |`;
const table = (head: string[], rows: string[][]): string[] => [row(head), row(head.map(() => "---")), ...rows.map(row)];

function outcomes(o: Record<string, number>): string {
  return Object.entries(o)
    .map(([k, v]) => `${k}: ${n(v)}`)
    .join(", ");
}

function cpuTable(c: ConfigResult): string[] {
  const { idle, burst, wholeDrop, perConfirmedOrderMs } = c.cpu;
  const labels = [...new Set([...Object.keys(wholeDrop.cpuS), ...Object.keys(burst.cpuS)])].sort((a, b) => (wholeDrop.cpuS[b] ?? 0) - (wholeDrop.cpuS[a] ?? 0));
  const rows = labels.map((l) => [l, n(idle.cores[l], 2), n(burst.cpuS[l], 2), n(burst.cores[l], 2), n(wholeDrop.cpuS[l], 2), perConfirmedOrderMs[l] === undefined ? "" : n(perConfirmedOrderMs[l], 2)]);
  const machine = (w: CpuWindow): string => `${n(w.machineBusyCores, 2)} (${n(w.machineBusyPct, 0)} %)`;
  rows.push(["whole machine busy (cores)", machine(idle), "", machine(burst), machine(wholeDrop), ""]);
  rows.push(["not listed above (kernel, anything else on the box)", n(idle.otherCores, 2), "", n(burst.otherCores, 2), "", ""]);
  rows.push(["**platform outside the gateway** (services + Kafka + PostgreSQL + Redis)", "", "", "", "", `**${n(c.cpu.outsideGatewayMs, 2)}**`]);
  rows.push(["**whole platform**", "", "", "", "", `**${n(c.cpu.platformMs, 2)}**`]);
  return [
    `CPU of ${c.name}: idle = ${n(idle.wallS, 1)} s before the opening (JMeter starting, the platform waiting); burst = ${n(burst.wallS, 2)} s from the first attempt to the last answer; whole drop = ${n(wholeDrop.wallS, 1)} s from the first attempt until the sagas settled (no holds, every consumer group caught up). Per confirmed order: whole-drop CPU / ${n(c.checks.confirmed)} confirmed orders. PostgreSQL, Kafka and Redis are shared with anything else using them.`,
    "",
    ...table(["process", "idle cores", "burst CPU s", "burst cores", "whole drop CPU s", "CPU-ms per confirmed order"], rows),
  ];
}

function checksRows(c: ConfigResult): string[][] {
  const k = c.checks;
  const ok = (good: boolean): string => (good ? "ok" : "**FAIL**");
  return [
    ["sold (admin stock view)", `${n(k.sold)} of ${n(k.units)}`, ""],
    ["oversold", n(k.oversold), ok(k.oversold === 0 && k.duplicateOrderIds === 0)],
    ["buyers over the limit", n(k.buyersOverLimit), ok(k.buyersOverLimit === 0)],
    ["orders not final after the sagas settled", `${n(k.ordersNotFinal)} of ${n(k.ordersSeen)}`, ok(k.ordersNotFinal === 0)],
    ["orders failed (operator needed)", n(k.ordersFailed), ok(k.ordersFailed === 0)],
    ["201s without an order", n(k.heldWithoutOrder), ok(k.heldWithoutOrder === 0)],
    ["order statuses", Object.entries(k.statuses).map(([s, v]) => `${s} ${n(v)}`).join(", ") || "-", ""],
    ["inventory sold = units in confirmed orders", `${n(k.sold)} / ${n(k.confirmedUnits)}`, ok(k.soldMatchesConfirmed)],
    ["Redis = ledger (admin stock view)", String(k.stock.consistent), ok(k.stock.consistent)],
    ["5xx / connection errors / other non-201/409", `${n(k.fiveXX)} / ${n(k.connectionErrors)} / ${n(k.otherErrors)}`, ok(k.fiveXX + k.connectionErrors + k.otherErrors === 0)],
    ["sagas settled", k.settled ? `${n(k.settleS, 1)} s after the last answer` : "no", ok(k.settled)],
  ];
}

function flashColumn(c: ConfigResult, ceiling: number | undefined): string[] {
  const b = c.burst;
  return [
    `${n(b.perS)}${pct(b.perS, ceiling)}`,
    `${n(b.perSWhileOnSale)}${pct(b.perSWhileOnSale, ceiling)} / ${n(b.perSAfterSoldOut)}${pct(b.perSAfterSoldOut, ceiling)}`,
    lat(b.latencyMs),
    `${n(b.errors)} (5xx ${n(b.fiveXX)}, connection ${n(b.connectionErrors)})`,
    ms(b.firstAttemptAfterOpeningMs),
    ms(b.soldOutAfterOpeningMs),
    outcomes(b.outcomes),
    `${lat(c.saga.latencyMs)} (${n(c.saga.confirmed)} orders)`,
    `${n(c.saga.confirmedDuringBurst)} of ${n(c.checks.confirmed)}`,
    `${n(c.cpu.outsideGatewayMs, 2)} ms`,
    c.checks.passed ? "all passed" : `**FAILED**: ${c.checks.problems.join("; ")}`,
  ];
}

export function renderReport(s: Summary, root: string): string {
  const ceiling = s.ceiling?.stats;
  const first = s.configs[0];
  const st = s.settings;
  const lines: string[] = [];
  lines.push(`### Latest run: ${s.when.slice(0, 19).replace("T", " ")} UTC, ${s.scale === "smoke" ? "SMOKE scale (a correctness check of the harness: its timings mean nothing)" : "full scale"}`);
  lines.push("");
  lines.push(
    `Machine: ${s.machine.cpus} cores (${s.machine.cpuModel}), ${s.machine.memGiB} GiB, Node ${s.machine.node}, ${s.machine.java}; the load generator (JMeter), every service, Kafka, PostgreSQL and Redis all share these cores. Load average when the run started: ${s.machine.loadavgAtStart.join(", ")}.`,
  );
  lines.push(
    `Drop: ${n(st.units)} units, limit ${st.perBuyerLimit} per buyer, ${st.holdSeconds} s holds, ${st.paymentMethod}. Load: ${n(st.attempts)} attempts from ${n(st.buyers)} buyers (${first?.seed.via ?? "-"}, ${n(first?.seed.seconds, 1)} s), ${st.threads} JMeter threads (one keep-alive connection each, HttpClient4, no think time, ramp ${st.rampS} s), fired at the opening. Platform: ${st.gatewayUrl ? `running at ${st.gatewayUrl}` : `e2e stack${Object.keys(st.instances).length ? ` ${JSON.stringify(st.instances)}` : " (one process per service)"}, LOG_LEVEL=warn`}.`,
  );
  lines.push("");

  const head = ["figure", ...(ceiling ? ["hello-world ceiling"] : []), ...s.configs.map((c) => c.name + (c.spec ? ` (${c.spec})` : ""))];
  const names = [
    "attempts/s",
    "attempts/s while on sale / after sold out",
    "latency p50 / p95 / p99 / max",
    "errors",
    "first attempt after the opening",
    "sold out after the opening (last 201)",
    "answers",
    "saga completion p50 / p95 / p99 / max (201 -> confirmed)",
    "orders confirmed before the burst ended",
    "CPU-ms per confirmed order outside the gateway",
    "outcome checks",
  ];
  const ceilingCol = ceiling
    ? [
        n(ceiling.perS),
        "-",
        lat(ceiling.latencyMs),
        `${n(ceiling.errors)} (5xx ${n(ceiling.fiveXX)}, connection ${n(ceiling.connectionErrors)})`,
        "-",
        "-",
        `${outcomes(ceiling.outcomes)}; ${n(s.ceiling?.server.connections)} connections for ${n(s.ceiling?.server.requests)} requests`,
        "-",
        "-",
        "-",
        "-",
      ]
    : [];
  const cols = s.configs.map((c) => flashColumn(c, ceiling?.perS));
  lines.push("#### Flash drop");
  lines.push("");
  lines.push(...table(head, names.map((name, i) => [name, ...(ceiling ? [ceilingCol[i] ?? ""] : []), ...cols.map((c) => c[i] ?? "")])));
  lines.push("");
  lines.push(
    "Attempts/s: attempts / (last answer - first request), from JMeter's results; the ceiling is the same plan, CSV and threads against `scripts/bench/hello-world.ts` (a bare node:http server that reads the body and answers a fixed 409) in the same run, with the platform up and idle. Saga completion: from each 201's answer (JMeter's clock) to its order's last update, the confirming one (the order service's clock, same machine).",
  );
  lines.push("");

  lines.push("#### Outcome checks (from the platform, after the sagas settled)");
  lines.push("");
  for (const c of s.configs) {
    lines.push(...table([`${c.name}`, "value", "check"], checksRows(c)));
    lines.push("");
  }

  lines.push("#### CPU per process");
  lines.push("");
  for (const c of s.configs) {
    lines.push(...cpuTable(c));
    lines.push("");
  }
  if (s.ceiling) {
    const w = s.ceiling.cpu;
    lines.push(
      `During the ceiling run (${n(w.wallS, 2)} s): ${Object.entries(w.cores)
        .filter(([, v]) => v >= 0.01)
        .map(([k, v]) => `${k} ${n(v, 2)} cores`)
        .join(", ")}; machine ${n(w.machineBusyCores, 2)} cores busy.`,
    );
    lines.push("");
  }

  lines.push("#### Latency by answer");
  lines.push("");
  const kinds = [...new Set(s.configs.flatMap((c) => Object.keys(c.burst.latencyByOutcomeMs)))];
  lines.push(...table(["answer", ...s.configs.map((c) => `${c.name} p50 / p95 / p99 / max`)], kinds.map((k) => [k, ...s.configs.map((c) => (c.burst.latencyByOutcomeMs[k] ? lat(c.burst.latencyByOutcomeMs[k]) : "-"))])));
  lines.push("");

  lines.push("#### Configurations compared (the row-lock path)");
  lines.push("");
  if (s.configs.length > 1 && first) {
    const rows = s.configs.slice(1).map((c) => [
      c.name,
      `${n(c.burst.perS)}${pct(c.burst.perS, ceiling?.perS)}`,
      c.burst.perS > 0 ? `${n(first.burst.perS / c.burst.perS, 1)}x` : "-",
      `${ms(c.burst.latencyMs.p99)} vs ${ms(first.burst.latencyMs.p99)}`,
      `${ms(c.burst.soldOutAfterOpeningMs)} vs ${ms(first.burst.soldOutAfterOpeningMs)}`,
      c.checks.passed ? "passed" : "**failed**",
    ]);
    lines.push(...table(["configuration", "attempts/s", `${first.name} / it`, "p99 (it vs ours)", "sold out after (it vs ours)", "checks"], rows));
  } else {
    lines.push(`Not run in this report: no second configuration (BENCH_VARIANTS). Once the row-lock purchase mode exists: \`BENCH_VARIANTS="rowlock:PURCHASE_STRATEGY=rowlock" bash scripts/bench/flash-drop.sh\` (env for every service, or \`gateway.PURCHASE_STRATEGY=rowlock\` for one).`);
  }
  lines.push("");

  const extras = first?.extras;
  if (extras && Object.keys(extras).length > 0) {
    lines.push("#### Other plans (after the drop, small: they prove the plans work, not capacity)");
    lines.push("");
    lines.push(...table(["plan: request", "requests", "req/s", "p50 / p95 / p99 / max", "errors", "answers"], Object.entries(extras).map(([k, v]: [string, LabelStats]) => [k, n(v.samples), n(v.perS), lat(v.latencyMs), n(v.errors), outcomes(v.outcomes)])));
    lines.push("");
  }

  const rel = (p: string | undefined): string => (p ? `\`${relative(root, p)}\`` : "-");
  lines.push(
    `Files (git-ignored, on the machine that ran it): summary ${rel(`${s.outDir}/summary.json`)}; JMeter dashboards ${[s.ceiling ? `ceiling ${rel(s.ceiling.dashboard)}` : "", ...s.configs.map((c) => `${c.name} ${rel(c.files.dashboard)}`)].filter(Boolean).join(", ")}.`,
  );
  return lines.join("\n");
}

const TEMPLATE = (generated: string): string => `# Performance

${BEGIN}
${generated}
${END}
`;

/** Replaces the generated section of `path` (creating the file, or appending the section, if needed). */
export function writeDoc(path: string, generated: string): void {
  if (!existsSync(path)) {
    writeFileSync(path, TEMPLATE(generated));
    return;
  }
  const text = readFileSync(path, "utf8");
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) {
    writeFileSync(path, `${text.trimEnd()}\n\n${BEGIN}\n${generated}\n${END}\n`);
    return;
  }
  writeFileSync(path, `${text.slice(0, a + BEGIN.length)}\n${generated}\n${text.slice(b)}`);
}

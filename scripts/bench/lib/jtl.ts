/**
 * JMeter results (JTL, CSV with a header line, as infra/jmeter/bench.properties configures them) and
 * the figures the reports take from them.
 */
import { readFileSync } from "node:fs";

export type Sample = {
  /** epoch ms the request started */
  start: number;
  elapsed: number;
  label: string;
  /** HTTP status as text; a non-HTTP failure has JMeter's message here ("Non HTTP response code: ...") */
  code: string;
  success: boolean;
  thread: string;
  connectMs: number;
  /** sample variables (bench.properties: buyerId, outcome); "" when absent */
  buyerId: string;
  outcome: string;
  failure: string;
};

/** RFC 4180 rows (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function readJtl(path: string): Sample[] {
  const [header, ...rows] = parseCsv(readFileSync(path, "utf8"));
  if (!header) return [];
  const col = (name: string): number => header.indexOf(name);
  const [ts, el, lb, rc, ok, th, ct, buyer, outcome, fm] = ["timeStamp", "elapsed", "label", "responseCode", "success", "threadName", "Connect", "buyerId", "outcome", "failureMessage"].map(col);
  if ([ts, el, lb, rc, ok].some((i) => i === undefined || i < 0)) throw new Error(`${path}: not a CSV JTL with timeStamp,elapsed,label,responseCode,success (header: ${header.join(",")})`);
  const at = (r: string[], i: number | undefined): string => (i !== undefined && i >= 0 ? (r[i] ?? "") : "");
  return rows
    .filter((r) => r.length > 1)
    .map((r) => {
      const out = at(r, outcome);
      return {
        start: Number(at(r, ts)),
        elapsed: Number(at(r, el)),
        label: at(r, lb),
        code: at(r, rc),
        success: at(r, ok) === "true",
        thread: at(r, th),
        connectMs: Number(at(r, ct)) || 0,
        buyerId: at(r, buyer),
        outcome: out === "null" ? "" : out,
        failure: at(r, fm),
      };
    });
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

export type Latency = { p50: number; p95: number; p99: number; max: number; mean: number };

export function latency(values: number[]): Latency {
  const s = Float64Array.from(values).sort();
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : Number.NaN;
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: percentile(s, 100), mean: Math.round(mean * 10) / 10 };
}

export type LabelStats = {
  label: string;
  samples: number;
  errors: number;
  /** first request start and last answer, epoch ms */
  firstStart: number;
  lastEnd: number;
  wallS: number;
  perS: number;
  latencyMs: Latency;
  /** "201", "409 SOLD_OUT", "500 INTERNAL", "connection error: ..." */
  outcomes: Record<string, number>;
  fiveXX: number;
  /** failures without an HTTP status (refused, reset, timeout) */
  connectionErrors: number;
  /** samples that opened a new connection (keep-alive should keep this at about 0 after the warm-up) */
  newConnections: number;
};

export function isHttpStatus(code: string): boolean {
  return /^\d{3}$/.test(code);
}

export function outcomeKey(s: Sample): string {
  if (!isHttpStatus(s.code)) return `connection error: ${s.code.replace(/^Non HTTP response code: /, "")}`;
  if (s.code === "201" || s.code.startsWith("2")) return s.code;
  return s.outcome ? `${s.code} ${s.outcome}` : s.code;
}

export function statsOf(samples: Sample[], label: string): LabelStats {
  const mine = samples.filter((s) => s.label === label);
  const firstStart = mine.reduce((m, s) => Math.min(m, s.start), Number.POSITIVE_INFINITY);
  const lastEnd = mine.reduce((m, s) => Math.max(m, s.start + s.elapsed), 0);
  const wallS = mine.length ? Math.max(0.001, (lastEnd - firstStart) / 1000) : 0;
  const outcomes: Record<string, number> = {};
  for (const s of mine) {
    const k = outcomeKey(s);
    outcomes[k] = (outcomes[k] ?? 0) + 1;
  }
  return {
    label,
    samples: mine.length,
    errors: mine.filter((s) => !s.success).length,
    firstStart: Number.isFinite(firstStart) ? firstStart : 0,
    lastEnd,
    wallS: Math.round(wallS * 1000) / 1000,
    perS: wallS > 0 ? Math.round(mine.length / wallS) : 0,
    latencyMs: latency(mine.map((s) => s.elapsed)),
    outcomes: Object.fromEntries(Object.entries(outcomes).sort((a, b) => b[1] - a[1])),
    fiveXX: mine.filter((s) => s.code.startsWith("5") && isHttpStatus(s.code)).length,
    connectionErrors: mine.filter((s) => !isHttpStatus(s.code)).length,
    newConnections: mine.filter((s) => s.connectMs > 0).length,
  };
}

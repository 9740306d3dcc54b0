/**
 * The key figures of a drop from the services' Prometheus text (GET /api/admin/metrics/summary, the
 * storefront admin's live panel): pure parsing and arithmetic, no I/O.
 */

export type Sample = { name: string; labels: Record<string, string>; value: number };

/** The samples of a Prometheus text exposition (comments and malformed lines skipped). */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    const value = m[3] === "+Inf" ? Infinity : Number(m[3]);
    if (!Number.isNaN(value)) out.push({ name: m[1]!, labels, value });
  }
  return out;
}

const sum = (xs: Sample[]) => xs.reduce((a, s) => a + s.value, 0);

function by(samples: Sample[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) if (s.name === name) out[s.labels[label] ?? ""] = (out[s.labels[label] ?? ""] ?? 0) + s.value;
  return out;
}

/** The q-quantile of a cumulative histogram's buckets (summed over series), linear within a bucket; null when empty. */
export function quantile(samples: Sample[], bucketName: string, q: number, match: (labels: Record<string, string>) => boolean = () => true): number | null {
  const cum = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== bucketName || !match(s.labels)) continue;
    const le = s.labels["le"] === "+Inf" ? Infinity : Number(s.labels["le"]);
    cum.set(le, (cum.get(le) ?? 0) + s.value);
  }
  const bounds = [...cum.keys()].sort((a, b) => a - b);
  const total = cum.get(Infinity) ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const b of bounds) {
    const c = cum.get(b)!;
    if (c >= rank) {
      if (b === Infinity) return prevBound;
      const inBucket = c - prevCount;
      return inBucket === 0 ? b : prevBound + ((b - prevBound) * (rank - prevCount)) / inBucket;
    }
    prevBound = b;
    prevCount = c;
  }
  return prevBound;
}

export type MetricsSummary = {
  purchases: { total: number; byOutcome: Record<string, number>; answeredByFlag: number; p99Seconds: number | null; reserveP99Seconds: number | null };
  sagas: { byOutcome: Record<string, number>; p99Seconds: number | null; compensations: Record<string, number> };
  drops: { dropId: string; available: number; held: number; sold: number; waiting: number }[];
  holdsActive: number;
  backlog: { outbox: number; stockStream: number };
  kafka: { lag: { group: string; topic: string; lag: number }[]; deadLetters: { topic: string; count: number }[] };
  sseConnections: number;
  queueAdmitted: number;
};

/** The summary of the gateway's, the inventory's and the order service's samples (any may be empty). */
export function summarize(s: { gateway: Sample[]; inventory: Sample[]; order: Sample[] }, maxDrops = 50): MetricsSummary {
  const g = s.gateway;
  const inv = s.inventory;
  const purchaseRoute = (l: Record<string, string>) => l["route"] === "/api/drops/:dropId/purchases";
  const dropIds = [...new Set(inv.filter((x) => x.name === "drops_stock_available").map((x) => x.labels["drop_id"] ?? ""))].slice(0, maxDrops);
  const of = (name: string, dropId: string) => sum(inv.filter((x) => x.name === name && x.labels["drop_id"] === dropId));
  return {
    purchases: {
      total: sum(g.filter((x) => x.name === "drops_purchase_attempts_total")),
      byOutcome: by(g, "drops_purchase_attempts_total", "outcome"),
      answeredByFlag: sum(g.filter((x) => x.name === "drops_purchase_attempts_total" && x.labels["path"] === "flag")),
      p99Seconds: quantile(g, "drops_http_server_duration_seconds_bucket", 0.99, purchaseRoute),
      reserveP99Seconds: quantile(g, "drops_reserve_duration_seconds_bucket", 0.99),
    },
    sagas: {
      byOutcome: by(s.order, "drops_saga_duration_seconds_count", "outcome"),
      p99Seconds: quantile(s.order, "drops_saga_duration_seconds_bucket", 0.99),
      compensations: by(s.order, "drops_saga_compensations_total", "reason"),
    },
    drops: dropIds.map((dropId) => ({
      dropId, available: of("drops_stock_available", dropId), held: of("drops_stock_held", dropId), sold: of("drops_stock_sold", dropId), waiting: of("drops_queue_length", dropId),
    })),
    holdsActive: sum(inv.filter((x) => x.name === "drops_holds_active")),
    backlog: { outbox: sum(s.order.filter((x) => x.name === "drops_outbox_backlog")), stockStream: sum(inv.filter((x) => x.name === "drops_stock_stream_backlog")) },
    kafka: {
      lag: g.filter((x) => x.name === "drops_kafka_consumer_lag").map((x) => ({ group: x.labels["group"] ?? "", topic: x.labels["topic"] ?? "", lag: x.value })),
      deadLetters: g.filter((x) => x.name === "drops_kafka_dead_letters").map((x) => ({ topic: x.labels["topic"] ?? "", count: x.value })),
    },
    sseConnections: sum(g.filter((x) => x.name === "drops_sse_connections")),
    queueAdmitted: sum(inv.filter((x) => x.name === "drops_queue_admitted_total")),
  };
}

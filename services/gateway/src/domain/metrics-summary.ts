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

/**
 * How the samples of several instances of one service merge into one (INSTANCES=3 behind HAProxy:
 * every instance's GET /metrics is read). Checked against the code that records each metric:
 *
 * | metric                                           | kind      | recorded by                                                        | merge |
 * |--------------------------------------------------|-----------|--------------------------------------------------------------------|-------|
 * | drops_purchase_attempts_total{outcome,path}      | counter   | each gateway's purchase path (gateway store/metrics.ts)            | sum   |
 * | drops_reserve_duration_seconds_{bucket,sum,count}| histogram | each gateway's reserve calls (gateway store/metrics.ts)            | sum   |
 * | drops_http_server_duration_seconds_*             | histogram | each process's requests (packages/http observe.ts)                 | sum   |
 * | drops_sse_connections                            | gauge     | streams open on that gateway process                               | sum   |
 * | drops_kafka_consumer_lag{group,topic}            | gauge     | every gateway reads the same lag from Kafka (packages/telemetry kafka-lag.ts) | max |
 * | drops_kafka_dead_letters{topic}                  | gauge     | every gateway reads the same .dlq water marks (kafka-lag.ts)       | max   |
 * | drops_stock_{available,held,sold}{drop_id}       | gauge     | every inventory reads the shared stock Redis at scrape (inventory store/metrics.ts) | max |
 * | drops_holds_active, drops_stock_stream_backlog   | gauge     | the same, shared Redis                                             | max   |
 * | drops_queue_length{drop_id}                      | gauge     | the same, shared Redis (observed only when > 0)                    | max   |
 * | drops_queue_admitted_total                       | counter   | each inventory's own admitter                                      | sum   |
 * | drops_saga_duration_seconds_*                    | histogram | the order instance whose saga step ended it (order saga-step.ts)   | sum   |
 * | drops_saga_compensations_total{reason}           | counter   | the order instance that ran the step (saga-step.ts)                | sum   |
 * | drops_outbox_backlog                             | gauge     | every order instance COUNTs the shared outbox table (order store/metrics.ts) | max |
 * | anything else                                    |           | (not read by the summary)                                          | sum   |
 *
 * A shared gauge is the same figure read by each instance a moment apart: the max is one of those
 * reads (never a multiple of it); an instance that could not read it observes nothing and is simply
 * not among them. Samples are matched on name and labels, `service_name` aside (a per-instance
 * SERVICE_NAME must not split them).
 */
export const SHARED_GAUGES: ReadonlySet<string> = new Set([
  "drops_kafka_consumer_lag", "drops_kafka_dead_letters",
  "drops_stock_available", "drops_stock_held", "drops_stock_sold", "drops_holds_active", "drops_stock_stream_backlog", "drops_queue_length",
  "drops_outbox_backlog",
]);

/** The samples of several instances of one service as one instance's: summed, or the max of a shared gauge (SHARED_GAUGES). */
export function mergeInstances(instances: readonly (readonly Sample[])[]): Sample[] {
  const merged = new Map<string, Sample>();
  for (const samples of instances) {
    for (const s of samples) {
      const key = `${s.name}{${Object.keys(s.labels).filter((k) => k !== "service_name").sort().map((k) => `${k}=${JSON.stringify(s.labels[k])}`).join(",")}}`;
      const prev = merged.get(key);
      if (!prev) merged.set(key, { ...s });
      else prev.value = SHARED_GAUGES.has(s.name) ? Math.max(prev.value, s.value) : prev.value + s.value;
    }
  }
  return [...merged.values()];
}

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

/** The summary of the gateway's, the inventory's and the order service's samples (any may be empty; several instances: mergeInstances first). */
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

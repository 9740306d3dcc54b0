/**
 * Hot-path instruments: counters and histograms that cost a few number writes per use and allocate
 * nothing. An OpenTelemetry `Counter.add(1, attrs)` hashes its attributes and reads the clock on
 * every call; on the purchase path (tens of thousands of losers a second) that is the whole budget
 * of an answer. Here a series (one label set) is resolved once, when the caller sets up, and kept;
 * recording is `series.value++` or a bucket search over a handful of boundaries. The values reach
 * the Prometheus exporter through a MetricProducer (`hotProducer`) at scrape time, as ordinary
 * OpenTelemetry sums and histograms.
 */
import type { HrTime } from "@opentelemetry/api";
import { ValueType } from "@opentelemetry/api";
import type { CollectionResult, DataPoint, Histogram, MetricData, MetricProducer } from "@opentelemetry/sdk-metrics";

/** AggregationTemporality.CUMULATIVE, DataPointType.SUM / HISTOGRAM (const enums of sdk-metrics, inlined so this file loads nothing). */
const CUMULATIVE = 1;
const SUM = 3;
const HISTOGRAM = 0;

export type Labels = Readonly<Record<string, string>>;

export class CounterSeries {
  value = 0;
  readonly attributes: Labels;
  constructor(attributes: Labels) {
    this.attributes = attributes;
  }
  inc(): void {
    this.value++;
  }
  add(n: number): void {
    if (n > 0) this.value += n;
  }
}

export class HistogramSeries {
  readonly attributes: Labels;
  readonly boundaries: readonly number[];
  /** Per bucket (not cumulative): counts[i] holds values <= boundaries[i] and > boundaries[i-1]; the last is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;
  constructor(attributes: Labels, boundaries: readonly number[]) {
    this.attributes = attributes;
    this.boundaries = boundaries;
    this.counts = new Float64Array(boundaries.length + 1);
  }
  record(value: number): void {
    const b = this.boundaries;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

type Instrument =
  | { kind: "counter"; name: string; description: string; unit: string; series: Map<string, CounterSeries> }
  | { kind: "histogram"; name: string; description: string; unit: string; boundaries: readonly number[]; series: Map<string, HistogramSeries> };

const instruments = new Map<string, Instrument>();

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

export type HotCounter = { readonly name: string; series(labels?: Labels): CounterSeries };
export type HotHistogram = { readonly name: string; series(labels?: Labels): HistogramSeries };

/**
 * A monotonic counter (Prometheus `<name>_total`). The same name gives the same instrument, so a
 * module may declare it at load time and several apps in one process share it.
 */
export function hotCounter(name: string, description: string, unit = ""): HotCounter {
  let inst = instruments.get(name);
  if (inst === undefined) instruments.set(name, (inst = { kind: "counter", name, description, unit, series: new Map() }));
  if (inst.kind !== "counter") throw new TypeError(`${name} is a ${inst.kind}, not a counter`);
  const series = inst.series;
  return {
    name,
    series(labels = {}) {
      const key = keyOf(labels);
      let s = series.get(key);
      if (s === undefined) series.set(key, (s = new CounterSeries({ ...labels })));
      return s;
    },
  };
}

/** A histogram with fixed bucket boundaries (Prometheus `<name>_bucket{le}`, `_sum`, `_count`). */
export function hotHistogram(name: string, description: string, unit: string, boundaries: readonly number[]): HotHistogram {
  let inst = instruments.get(name);
  if (inst === undefined) instruments.set(name, (inst = { kind: "histogram", name, description, unit, boundaries: [...boundaries], series: new Map() }));
  if (inst.kind !== "histogram") throw new TypeError(`${name} is a ${inst.kind}, not a histogram`);
  const { series, boundaries: bounds } = inst;
  return {
    name,
    series(labels = {}) {
      const key = keyOf(labels);
      let s = series.get(key);
      if (s === undefined) series.set(key, (s = new HistogramSeries({ ...labels }, bounds)));
      return s;
    },
  };
}

/** Seconds buckets of request and script latencies: 0.25 ms .. 10 s. */
export const LATENCY_BUCKETS_SECONDS = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

function hrNow(): HrTime {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

const started = hrNow();

/** The hot instruments as OpenTelemetry metric data (what the Prometheus exporter serializes). */
export function collectHot(): MetricData[] {
  const now = hrNow();
  const out: MetricData[] = [];
  for (const inst of instruments.values()) {
    const descriptor = { name: inst.name, description: inst.description, unit: inst.unit, valueType: ValueType.DOUBLE };
    if (inst.kind === "counter") {
      const dataPoints: DataPoint<number>[] = [...inst.series.values()].map((s) => ({ startTime: started, endTime: now, attributes: s.attributes, value: s.value }));
      out.push({ descriptor, aggregationTemporality: CUMULATIVE, dataPointType: SUM, dataPoints, isMonotonic: true });
    } else {
      const dataPoints: DataPoint<Histogram>[] = [...inst.series.values()].map((s) => ({
        startTime: started,
        endTime: now,
        attributes: s.attributes,
        value: {
          buckets: { boundaries: [...s.boundaries], counts: [...s.counts] },
          sum: s.sum,
          count: s.count,
          ...(s.count > 0 ? { min: s.min, max: s.max } : {}),
        },
      }));
      out.push({ descriptor, aggregationTemporality: CUMULATIVE, dataPointType: HISTOGRAM, dataPoints });
    }
  }
  return out;
}

/** The MetricProducer handing the hot instruments to a metric reader. */
export const hotProducer: MetricProducer = {
  async collect(): Promise<CollectionResult> {
    return {
      resourceMetrics: { resource: undefined as never, scopeMetrics: [{ scope: { name: "@drops/telemetry" }, metrics: collectHot() }] },
      errors: [],
    };
  },
};

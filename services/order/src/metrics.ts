/**
 * The order service's metrics (no-ops unless telemetry runs). Names are the dashboard's contract:
 * drops_saga_duration_seconds{outcome} from order creation to its terminal status,
 * drops_saga_steps_total{input,changed}, drops_outbox_published_total.
 */
import type { Counter, Histogram } from "@opentelemetry/api";
import { meter } from "@drops/telemetry";
import { TERMINAL } from "./domain/order.ts";
import type { StepResult } from "./saga/step.ts";

type Instruments = { duration: Histogram; steps: Counter; published: Counter };

let instruments: Instruments | undefined;

/** Created on first use, after telemetry started. */
function get(): Instruments {
  instruments ??= {
    duration: meter().createHistogram("drops_saga_duration_seconds", {
      description: "time from order creation to its terminal status",
      unit: "s",
      advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] },
    }),
    steps: meter().createCounter("drops_saga_steps", { description: "saga inputs applied" }),
    published: meter().createCounter("drops_outbox_published", { description: "outbox rows published to Kafka" }),
  };
  return instruments;
}

/** Records a committed saga step: the input, and the saga's duration when it just ended. */
export function observeStep(input: string, result: StepResult, now: number): void {
  const m = get();
  const changed = result.decision !== null && (result.decision.change !== null || result.decision.create !== null);
  m.steps.add(1, { input, changed: String(changed) });
  const status = result.decision?.change?.status;
  if (status !== undefined && TERMINAL.includes(status) && result.order !== null) {
    m.duration.record(Math.max(0, now - result.order.createdAt) / 1000, { outcome: status });
  }
}

export function observePublished(n: number): void {
  if (n > 0) get().published.add(n);
}

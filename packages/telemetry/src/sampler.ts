/**
 * Head sampling: parent-based with a trace-id ratio at the root (OTEL_SAMPLE_RATIO), except that a
 * span started with the attribute `drops.sampling.force = true` is always recorded and sampled,
 * whatever its parent said. The order service starts its compensation spans with it (a declined
 * card, a timed-out payment, a failed confirm, a cancel), so every compensated saga is kept from that
 * point on: its span is sampled, so are the events it writes (their traceparent says sampled), so
 * is everything downstream (the inventory's release, the notification). The part of the trace
 * before the failure (the purchase request) was decided at the root; to keep those spans too, run
 * the services at ratio 1 and let the collector's tail sampling keep errors and compensations
 * (infra/otel/collector.yaml).
 */
import type { Attributes, Context, Link, SpanKind } from "@opentelemetry/api";
import { ParentBasedSampler, SamplingDecision, TraceIdRatioBasedSampler, type Sampler, type SamplingResult } from "@opentelemetry/sdk-trace";
import { FORCE_SAMPLE } from "./names.ts";

export class DropsSampler implements Sampler {
  readonly #inner: Sampler;
  readonly #ratio: number;
  constructor(ratio: number) {
    this.#ratio = ratio;
    this.#inner = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
  shouldSample(ctx: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    if (attributes[FORCE_SAMPLE] === true) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.#inner.shouldSample(ctx, traceId, name, kind, attributes, links);
  }
  toString(): string {
    return `DropsSampler{parentbased_traceidratio=${this.#ratio}, force=${FORCE_SAMPLE}}`;
  }
}

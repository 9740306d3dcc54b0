/** Span attribute names shared by the services and the sampler (no SDK import: safe on the hot path). */

/** `true` at a span's start: the span is sampled whatever its parent said (sampler.ts). */
export const FORCE_SAMPLE = "drops.sampling.force";

/** Kafka header names that carry the envelope fields (see README "Wire format"). */
export const HEADER = {
  eventId: "event-id",
  type: "event-type",
  version: "event-version",
  occurredAt: "event-occurred-at",
  correlationId: "correlation-id",
  causationId: "causation-id",
  traceparent: "traceparent",
  tracestate: "tracestate",
  contentType: "content-type",
} as const;

export const CONTENT_TYPE = "application/avro";

/** Header values as kafkajs hands them over. */
export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type Headers = Record<string, HeaderValue>;

/** A header as a string (the first value if repeated), or undefined. */
export function headerString(headers: Headers | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined) return undefined;
  return typeof first === "string" ? first : first.toString("utf8");
}

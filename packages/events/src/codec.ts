/**
 * Wire format: the Kafka value is the Avro binary encoding of the payload alone (no framing);
 * every envelope field rides in a Kafka header (names in headers.ts). The key is the payload
 * field the topic layout names (orderId or dropId).
 */
import { EventDecodeError, EventEncodeError } from "./errors.ts";
import { CONTENT_TYPE, HEADER, headerString } from "./headers.ts";
import type { Headers } from "./headers.ts";
import { registry as defaultRegistry } from "./registry.ts";
import type { EventRegistry } from "./registry.ts";
import { keyFor } from "./topics.ts";
import { isEventType } from "./types.ts";
import type { DropsEvent } from "./types.ts";

export type EncodedEvent = { key: string; value: Buffer; headers: Record<string, string> };

/** The part of a Kafka message decodeEvent reads (a kafkajs KafkaMessage fits). */
export type RawMessage = { key?: Buffer | string | null; value: Buffer | null; headers?: Headers };

export function encodeEvent(event: DropsEvent, registry: EventRegistry = defaultRegistry): EncodedEvent {
  const schema = registry.get(event.type, event.version);
  if (schema === undefined) throw new EventEncodeError(`no schema for ${event.type} v${event.version}`);
  const problems: string[] = [];
  schema.avroType.isValid(event.payload, {
    errorHook: (path: string[], value: unknown) => problems.push(`${path.join(".") || "(payload)"}=${JSON.stringify(value)}`),
  });
  if (problems.length > 0) throw new EventEncodeError(`invalid ${event.type} v${event.version} payload`, problems);
  const headers: Record<string, string> = {
    [HEADER.eventId]: event.eventId,
    [HEADER.type]: event.type,
    [HEADER.version]: String(event.version),
    [HEADER.occurredAt]: String(event.occurredAt),
    [HEADER.correlationId]: event.correlationId,
    [HEADER.contentType]: CONTENT_TYPE,
  };
  if (event.causationId !== null) headers[HEADER.causationId] = event.causationId;
  if (event.traceparent !== null) headers[HEADER.traceparent] = event.traceparent;
  if (event.tracestate !== null) headers[HEADER.tracestate] = event.tracestate;
  return { key: keyFor(event), value: schema.avroType.toBuffer(event.payload), headers };
}

function required(headers: Headers | undefined, name: string): string {
  const v = headerString(headers, name);
  if (v === undefined || v === "") throw new EventDecodeError("MISSING_HEADER", `header ${name} is missing`);
  return v;
}

function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new EventDecodeError("BAD_HEADER", `header ${name} is not an integer: ${raw}`);
  return n;
}

/** Decodes a Kafka message into an envelope whose payload has the latest schema's shape. */
export function decodeEvent(message: RawMessage, registry: EventRegistry = defaultRegistry): DropsEvent {
  const h = message.headers;
  const type = required(h, HEADER.type);
  const versionRaw = required(h, HEADER.version);
  if (!isEventType(type) || registry.latest(type) === undefined) throw new EventDecodeError("UNKNOWN_TYPE", `unknown event type ${type}`);
  const version = positiveInt(HEADER.version, versionRaw);
  if (registry.get(type, version) === undefined) throw new EventDecodeError("UNKNOWN_VERSION", `unknown version ${version} of ${type}`);
  const eventId = required(h, HEADER.eventId);
  const correlationId = required(h, HEADER.correlationId);
  const occurredAt = positiveInt(HEADER.occurredAt, required(h, HEADER.occurredAt));
  if (message.value === null) throw new EventDecodeError("BAD_PAYLOAD", "message has no value");
  let payload: unknown;
  try {
    payload = registry.read(type, version, message.value);
  } catch (err) {
    throw new EventDecodeError("BAD_PAYLOAD", `${type} v${version}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return {
    eventId,
    type,
    version: (registry.latest(type) ?? { version }).version,
    occurredAt,
    correlationId,
    causationId: headerString(h, HEADER.causationId) ?? null,
    traceparent: headerString(h, HEADER.traceparent) ?? null,
    tracestate: headerString(h, HEADER.tracestate) ?? null,
    payload: { ...(payload as object) },
  } as DropsEvent;
}

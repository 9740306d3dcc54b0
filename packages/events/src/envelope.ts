import { registry } from "./registry.ts";
import type { EventEnvelope, EventPayloads, EventType } from "./types.ts";

export type NewEnvelopeInput<T extends EventType> = {
  type: T;
  payload: EventPayloads[T];
  correlationId: string;
  causationId?: string | null;
  traceparent?: string | null;
  tracestate?: string | null;
  /** Event time: epoch ms or a Date. Passed in so the function stays pure. */
  now: number | Date;
  /** The event id (a UUID), passed in so the function stays pure. */
  id: string;
  /** Schema version to write; defaults to the latest registered version of `type`. */
  version?: number;
};

/** Builds an envelope. Pure: the clock and the id generator are the caller's. */
export function newEnvelope<T extends EventType>(input: NewEnvelopeInput<T>): EventEnvelope<T> {
  const version = input.version ?? registry.latest(input.type)?.version;
  if (version === undefined) throw new Error(`unknown event type ${input.type}`);
  return {
    eventId: input.id,
    type: input.type,
    version,
    occurredAt: typeof input.now === "number" ? input.now : input.now.getTime(),
    correlationId: input.correlationId,
    causationId: input.causationId ?? null,
    traceparent: input.traceparent ?? null,
    tracestate: input.tracestate ?? null,
    payload: input.payload,
  };
}

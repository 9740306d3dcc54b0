/** Wraps the saga's outgoing messages in envelopes addressed to their topics. */
import { newEnvelope } from "@drops/events";
import type { DropsEvent } from "@drops/events";
import { withActiveTraceContext } from "@drops/kafka";
import type { Outgoing } from "../domain/order.ts";
import { topicOf } from "../topics.ts";
import type { SagaDeps } from "./deps.ts";

/** The event that caused a step (null for an HTTP request or a timer). */
export type Cause = { eventId: string; correlationId: string; traceparent: string | null; tracestate: string | null } | null;

/** Envelopes correlated to the order and caused by `cause`, with the topic each goes to. */
export function envelopes(deps: Pick<SagaDeps, "topics" | "newId">, orderId: string, emit: readonly Outgoing[], cause: Cause, now: number): { topic: string; event: DropsEvent }[] {
  return emit.map((m) => {
    const env = newEnvelope({
      type: m.type,
      payload: m.payload,
      correlationId: cause?.correlationId ?? orderId,
      causationId: cause?.eventId ?? null,
      now,
      id: deps.newId(),
    }) as DropsEvent;
    // The active span (the consumer's, or the HTTP request's) when telemetry runs; else the cause's context.
    const traced = withActiveTraceContext(env, {});
    const event = traced.traceparent === null && cause !== null ? { ...traced, traceparent: cause.traceparent, tracestate: cause.tracestate } : traced;
    return { topic: topicOf(deps.topics, m.type), event };
  });
}

/** What the inventory answers to the order saga's stock commands when the scripts cannot do as asked. Pure. */
import { newEnvelope, type EventEnvelope } from "@drops/events";
import type { ConfirmOutcome } from "./reservation.ts";
import { uuidV5 } from "./event-id.ts";

/**
 * StockConfirmFailed for a confirm whose hold is gone (released / expired / refunded / void:
 * HOLD_GONE) or never was (NOT_FOUND). Its event id is derived from the command's, so a redelivered
 * command yields the same event and the saga refunds once.
 */
export function confirmFailed(
  cmd: EventEnvelope<"StockConfirmRequested">,
  outcome: Exclude<ConfirmOutcome, { status: "CONFIRMED" }>,
  nowMs: number,
): EventEnvelope<"StockConfirmFailed"> {
  const { orderId, dropId } = cmd.payload;
  const reason = outcome.status === "GONE" ? "HOLD_GONE" : "NOT_FOUND";
  const detail = outcome.status === "GONE" ? `hold is ${outcome.state}` : "no hold for this order";
  return newEnvelope({
    type: "StockConfirmFailed",
    payload: { orderId, dropId, reason, detail },
    correlationId: cmd.correlationId,
    causationId: cmd.eventId,
    traceparent: cmd.traceparent,
    tracestate: cmd.tracestate,
    now: nowMs,
    id: uuidV5(`${cmd.eventId}/StockConfirmFailed`),
  });
}

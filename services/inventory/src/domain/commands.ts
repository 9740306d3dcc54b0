/**
 * What the inventory answers to the order saga's stock commands, where the answer does not come from
 * the stream (a drop's StockConfirmed does). Pure: time and the command passed in, ids derived.
 */
import { newEnvelope, type EventEnvelope, type StockLine } from "@drops/events";
import type { ConfirmOutcome } from "./reservation.ts";
import { uuidV5 } from "./event-id.ts";

type Failure = Exclude<ConfirmOutcome, { status: "CONFIRMED" }>;

/**
 * The stock items a command acts on: its drop (`lines` null, a drop order) or each line's product
 * (a cart order; a product named twice counts once: an order holds one hold per product).
 */
export function commandTargets(p: { dropId: string; lines: readonly StockLine[] | null }): string[] {
  return p.lines === null ? [p.dropId] : [...new Set(p.lines.map((l) => l.productId))];
}

/**
 * StockConfirmFailed for a confirm whose hold is gone (released / expired / refunded / void:
 * HOLD_GONE) or never was (NOT_FOUND); for a cart order `productId` names the line in the detail.
 * Its event id is derived from the command's, so a redelivered command yields the same event and
 * the saga refunds once.
 */
export function confirmFailed(cmd: EventEnvelope<"StockConfirmRequested">, outcome: Failure, nowMs: number, productId?: string): EventEnvelope<"StockConfirmFailed"> {
  const { orderId, dropId } = cmd.payload;
  const reason = outcome.status === "GONE" ? "HOLD_GONE" : "NOT_FOUND";
  const what = outcome.status === "GONE" ? `hold is ${outcome.state}` : "no hold for this order";
  const detail = productId === undefined ? what : `product ${productId}: ${what}`;
  return newEnvelope({
    type: "StockConfirmFailed",
    payload: { orderId, dropId, reason, detail },
    ...answerTo(cmd, nowMs, "StockConfirmFailed"),
  });
}

export type LineConfirm = { productId: string; outcome: ConfirmOutcome };

/**
 * The one answer to a cart order's StockConfirmRequested (`lines`), once every line was confirmed
 * on its product: StockConfirmed {orderId, dropId "", quantity: the units confirmed} when all were,
 * else the StockConfirmFailed of the first line (in command order) that was not. A command with no
 * lines fails (NOT_FOUND). Ids derived from the command's, like confirmFailed.
 */
export function confirmLinesAnswer(
  cmd: EventEnvelope<"StockConfirmRequested">,
  results: readonly LineConfirm[],
  nowMs: number,
): EventEnvelope<"StockConfirmed"> | EventEnvelope<"StockConfirmFailed"> {
  if (results.length === 0) return confirmFailed(cmd, { status: "NOT_FOUND" }, nowMs, "(none: the order has no lines)");
  let quantity = 0;
  for (const { productId, outcome } of results) {
    if (outcome.status !== "CONFIRMED") return confirmFailed(cmd, outcome, nowMs, productId);
    quantity += outcome.qty;
  }
  return newEnvelope({
    type: "StockConfirmed",
    payload: { orderId: cmd.payload.orderId, dropId: "", quantity },
    ...answerTo(cmd, nowMs, "StockConfirmed"),
  });
}

/** Envelope fields of an answer: same saga and trace, caused by the command, id derived from its id. */
function answerTo(cmd: EventEnvelope<"StockConfirmRequested">, nowMs: number, type: string) {
  return {
    correlationId: cmd.correlationId,
    causationId: cmd.eventId,
    traceparent: cmd.traceparent,
    tracestate: cmd.tracestate,
    now: nowMs,
    id: uuidV5(`${cmd.eventId}/${type}`),
  };
}

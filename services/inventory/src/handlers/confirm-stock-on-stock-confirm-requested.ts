/**
 * StockConfirmRequested (order saga, payment succeeded) -> confirm the hold (held -> sold).
 * Idempotent: a replayed confirm answers CONFIRMED without a second stream entry; the relay publishes
 * StockConfirmed from the stream. When the hold is gone (released / expired / refunded / void) or was
 * never there, StockConfirmFailed goes straight to Kafka with an event id derived from the command's,
 * so a redelivered command yields the same event and the saga refunds once.
 */
import { newEnvelope } from "@drops/events";
import type { EventEnvelope } from "@drops/events";
import type { Handler } from "@drops/kafka";
import { uuidV5 } from "../relay/event-id.ts";
import type { CommandDeps } from "./deps.ts";

export function confirmStockOnStockConfirmRequested(deps: CommandDeps): Handler<"StockConfirmRequested"> {
  return async (cmd: EventEnvelope<"StockConfirmRequested">) => {
    const { orderId, dropId } = cmd.payload;
    const r = await deps.store.confirm({ dropId, orderId });
    if (r.status === "CONFIRMED") return;
    const reason = r.status === "GONE" ? "HOLD_GONE" : "NOT_FOUND";
    const detail = r.status === "GONE" ? `hold is ${r.state}` : "no hold for this order";
    deps.logger?.warn({ orderId, dropId, reason, detail }, "stock confirm failed");
    await deps.publish(
      newEnvelope({
        type: "StockConfirmFailed",
        payload: { orderId, dropId, reason, detail },
        correlationId: cmd.correlationId,
        causationId: cmd.eventId,
        traceparent: cmd.traceparent,
        tracestate: cmd.tracestate,
        now: Date.now(),
        id: uuidV5(`${cmd.eventId}/StockConfirmFailed`),
      }),
    );
  };
}

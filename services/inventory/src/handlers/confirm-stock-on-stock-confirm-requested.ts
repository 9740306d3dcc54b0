/**
 * StockConfirmRequested (order saga, payment succeeded) -> confirm the hold (held -> sold).
 * Idempotent: a replayed confirm answers CONFIRMED without a second stream entry; the relay publishes
 * StockConfirmed from the stream. When the hold is gone (released / expired / refunded / void) or was
 * never there, StockConfirmFailed goes straight to Kafka with an event id derived from the command's,
 * so a redelivered command yields the same event and the saga refunds once.
 */
import type { DropsEvent, EventEnvelope } from "@drops/events";
import type { Handler } from "@drops/kafka";
import { confirmFailed } from "../domain/commands.ts";
import type { StockStore } from "../store/stock/stock-store.ts";

export type ConfirmStockDeps = {
  store: Pick<StockStore, "confirm">;
  /** Resolves once Kafka acked the event. */
  publish: (event: DropsEvent) => Promise<void>;
  now: () => number;
  logger?: { warn: (obj: object, msg: string) => void };
};

export function confirmStockOnStockConfirmRequested(deps: ConfirmStockDeps): Handler<"StockConfirmRequested"> {
  return async (cmd: EventEnvelope<"StockConfirmRequested">) => {
    const { orderId, dropId } = cmd.payload;
    const r = await deps.store.confirm({ dropId, orderId });
    if (r.status === "CONFIRMED") return;
    const failed = confirmFailed(cmd, r, deps.now());
    deps.logger?.warn({ orderId, dropId, reason: failed.payload.reason, detail: failed.payload.detail }, "stock confirm failed");
    await deps.publish(failed);
  };
}

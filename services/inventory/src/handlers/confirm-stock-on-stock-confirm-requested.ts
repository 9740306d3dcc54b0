/**
 * StockConfirmRequested (order saga, payment succeeded) -> confirm the hold (held -> sold).
 * Idempotent: a replayed confirm answers CONFIRMED without a second stream entry.
 * - A drop order (`lines` null): the relay publishes StockConfirmed from the stream. When the hold is
 *   gone (released / expired / refunded / void) or was never there, StockConfirmFailed goes straight
 *   to Kafka with an event id derived from the command's, so a redelivered command yields the same
 *   event and the saga refunds once.
 * - A cart order (`lines`): every line is confirmed on its product; ONE answer goes straight to
 *   Kafka (the relay publishes no product confirms): StockConfirmed (dropId "") when every line was,
 *   else the StockConfirmFailed naming the first line that was not (domain/commands.ts). Lines
 *   confirmed before a failed one are refunded by the saga's compensation (StockReleaseRequested).
 */
import type { DropsEvent, EventEnvelope } from "@drops/events";
import type { Handler } from "@drops/kafka";
import { commandTargets, confirmFailed, confirmLinesAnswer } from "../domain/commands.ts";
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
    const { orderId, dropId, lines } = cmd.payload;
    if (lines !== null) {
      const results = await Promise.all(commandTargets(cmd.payload).map(async (productId) => ({ productId, outcome: await deps.store.confirm({ dropId: productId, orderId }) })));
      const answer = confirmLinesAnswer(cmd, results, deps.now());
      if (answer.type === "StockConfirmFailed") warnFailed(deps, answer);
      await deps.publish(answer);
      return;
    }
    const r = await deps.store.confirm({ dropId, orderId });
    if (r.status === "CONFIRMED") return;
    const failed = confirmFailed(cmd, r, deps.now());
    warnFailed(deps, failed);
    await deps.publish(failed);
  };
}

function warnFailed(deps: ConfirmStockDeps, failed: EventEnvelope<"StockConfirmFailed">): void {
  const { orderId, dropId, reason, detail } = failed.payload;
  deps.logger?.warn({ orderId, dropId, reason, detail }, "stock confirm failed");
}

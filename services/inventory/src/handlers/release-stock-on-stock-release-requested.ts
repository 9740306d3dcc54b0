/**
 * StockReleaseRequested (order saga compensation, or buyer cancel) -> put the order's units back on
 * sale: a hold is released (with the command's reason), a sold order is refunded (release-sold).
 * A drop order (`lines` null) on its drop; a cart order (`lines`) on every line's product, each
 * exactly like a drop's. Idempotent: both scripts answer a replay without a second stream entry; the
 * relay publishes StockReleased (and a StockChanged snapshot) from a drop's stream, and nothing but
 * the snapshot for a product's (no answer event for a cart order). An order that never reserved
 * leaves a void tombstone so a late reserve cannot hold stock for it.
 */
import type { EventEnvelope, StockReleaseReason } from "@drops/events";
import type { Handler } from "@drops/kafka";
import { commandTargets } from "../domain/commands.ts";
import type { StockStore } from "../store/stock/stock-store.ts";

export type ReleaseStockDeps = {
  store: Pick<StockStore, "release" | "refund">;
  logger?: { info: (obj: object, msg: string) => void };
};

export function releaseStockOnStockReleaseRequested(deps: ReleaseStockDeps): Handler<"StockReleaseRequested"> {
  return async (cmd: EventEnvelope<"StockReleaseRequested">) => {
    const { orderId, reason } = cmd.payload;
    await Promise.all(commandTargets(cmd.payload).map((dropId) => releaseOrRefund(deps, dropId, orderId, reason)));
  };
}

async function releaseOrRefund(deps: ReleaseStockDeps, dropId: string, orderId: string, reason: StockReleaseReason): Promise<void> {
  const r = await deps.store.release({ dropId, orderId, reason });
  if (r.status === "RELEASED") return;
  if (r.status === "VOIDED") {
    deps.logger?.info({ orderId, dropId }, "release of an order that never reserved: tombstone written");
    return;
  }
  if (r.state === "refunded") return;
  const refund = await deps.store.refund({ dropId, orderId });
  if (refund.status !== "REFUNDED") {
    // NOT_SOLD / NOT_FOUND right after NOT_HELD(sold) cannot happen (scripts are atomic per drop);
    // throwing lets the consumer retry and then dead-letter it for an operator.
    throw new Error(`release of ${orderId} in ${dropId}: refund answered ${refund.status}`);
  }
}

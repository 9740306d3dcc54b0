/** OrderCancelled -> "order cancelled" / "order expired" / "order refunded" by reason, for the buyer. */
import type { Handler } from "@drops/kafka";
import { orderCancelledDraft } from "../domain/notification.ts";
import { notifyDraftsOnce, type NotifyDeps } from "../store/notify-once.ts";

export function notifyOnOrderCancelled(deps: NotifyDeps, consumer: string): Handler<"OrderCancelled"> {
  return async (event) => {
    await notifyDraftsOnce(deps, consumer, event.eventId, [orderCancelledDraft(event.payload)]);
  };
}

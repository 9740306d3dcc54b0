/** OrderConfirmed -> "order confirmed" for the buyer. */
import type { Handler } from "@drops/kafka";
import { orderConfirmedDraft } from "../domain/notification.ts";
import { notifyDraftsOnce, type NotifyDeps } from "../store/notify-once.ts";

export function notifyOnOrderConfirmed(deps: NotifyDeps, consumer: string): Handler<"OrderConfirmed"> {
  return async (event) => {
    await notifyDraftsOnce(deps, consumer, event.eventId, [orderConfirmedDraft(event.payload)]);
  };
}

/**
 * StockReleased -> "back in stock" for every armed watcher of the drop. Every release reason puts
 * units back on sale (cancelled, failed payment, expired hold, refund), so every one counts; the
 * one-shot watch (see store/watchers.ts) keeps a run of releases to one notice per watcher.
 */
import type { Handler } from "@drops/kafka";
import { backInStockDraft } from "../domain/notification.ts";
import { notifyOnce, type NotifyDeps } from "../store/notify-once.ts";
import { takeArmedWatchers } from "../store/watchers.ts";

export function notifyWatchersOnStockReleased(deps: NotifyDeps, consumer: string): Handler<"StockReleased"> {
  return async (event) => {
    if (event.payload.quantity <= 0) return;
    await notifyOnce(deps, consumer, event.eventId, async (tx, now) => {
      const buyers = await takeArmedWatchers(tx, event.payload.dropId, now);
      return buyers.map((buyerId) => backInStockDraft(event.payload, buyerId));
    });
  };
}

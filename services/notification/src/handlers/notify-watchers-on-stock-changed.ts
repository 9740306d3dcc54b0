/**
 * StockChanged -> "back in stock" for every armed watcher of a drop that was seen sold out and has
 * units on sale again (domain/stock-watch.ts). Most snapshots change nothing and cost one read; the
 * sold-out flag is written when it flips; the notice is decided again under the drop's row lock, so
 * a redelivered or concurrent snapshot notifies once (its seq is then not newer). The one-shot watch
 * (store/watchers.ts) keeps a drop that keeps coming back to one notice per watch.
 */
import type { Handler } from "@drops/kafka";
import { backInStockDraft } from "../domain/notification.ts";
import { stockStep } from "../domain/stock-watch.ts";
import { saveStockState, stockStateOf } from "../store/drop-stock.ts";
import { notifyInTransaction, type NotifyDeps } from "../store/notify-once.ts";
import { takeArmedWatchers } from "../store/watchers.ts";

export function notifyWatchersOnStockChanged(deps: NotifyDeps): Handler<"StockChanged"> {
  return async (event) => {
    const change = event.payload;
    const step = stockStep(await stockStateOf(deps.pool, change.dropId), change);
    if (step.next === null) return;
    if (!step.backInStock) {
      await saveStockState(deps.pool, change.dropId, step.next, new Date(deps.now()));
      return;
    }
    await notifyInTransaction(deps, async (tx, now) => {
      const locked = stockStep(await stockStateOf(tx, change.dropId, true), change);
      if (locked.next === null || !locked.backInStock) return [];
      await saveStockState(tx, change.dropId, locked.next, now);
      const buyers = await takeArmedWatchers(tx, change.dropId, now);
      return buyers.map((buyerId) => ({ ...backInStockDraft(change, buyerId), sourceEventId: event.eventId }));
    });
  };
}

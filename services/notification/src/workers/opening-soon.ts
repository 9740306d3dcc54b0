/**
 * "Drop opening soon": every OPENING_SOON_POLL_MS, the watches whose drop starts within
 * NOTIFY_OPENING_SOON_SECONDS get one notice each. Safe with any number of instances: a round takes
 * its watches with FOR UPDATE SKIP LOCKED and marks them sent in the same transaction as the inserts
 * (one instance at a time per watch, none waits), and the notice's source id
 * (`drop-opening-soon:<dropId>`, unique per buyer) makes it once per watcher and drop even across an
 * unwatch and a watch again. Pushed to live streams after the commit.
 */
import { startLoop, type Loop, type LoopLogger } from "@drops/http";
import { openingSoonDraft } from "../domain/notification.ts";
import { openingSoonSourceId, openingWindow } from "../domain/opening-soon.ts";
import { notifyInTransaction, type NotifyDeps } from "../store/notify-once.ts";
import { takeDueOpenings } from "../store/watchers.ts";

export type OpeningSoonOptions = { leadMs: number; idleMs: number; batch: number; logger?: LoopLogger };

/** One round: returns the notices stored (a full batch means: go again at once). */
export async function openingSoonRound(deps: NotifyDeps, opts: Pick<OpeningSoonOptions, "leadMs" | "batch">): Promise<{ taken: number; stored: number }> {
  let taken = 0;
  const stored = await notifyInTransaction(deps, async (tx, now) => {
    const due = await takeDueOpenings(tx, openingWindow(now.getTime(), opts.leadMs), opts.batch, now);
    taken = due.length;
    return due.map((w) => ({ ...openingSoonDraft(w.dropId, w.buyerId, w.startsAt.getTime(), now.getTime()), sourceEventId: openingSoonSourceId(w.dropId) }));
  });
  return { taken, stored: stored.length };
}

export function startOpeningSoon(deps: NotifyDeps, opts: OpeningSoonOptions): Loop {
  return startLoop("opening-soon", {
    idleMs: opts.idleMs,
    ...(opts.logger ? { logger: opts.logger } : {}),
    round: async () => (await openingSoonRound(deps, opts)).taken === opts.batch,
  });
}

/**
 * The waiting room's live places on one gateway instance (GET /api/drops/:dropId/queue/stream):
 * per followed drop, one subscription to the line's change channel (channel-hub.ts), whatever the
 * number of watching buyers. A change message schedules one refresh of the drop: every watching
 * buyer's place is read (queue-status.lua, present = 1: a buyer with an open stream is here; the calls
 * share the connection's pipeline, about one round trip), and a stream gets an event only when its
 * buyer's place changed. Refreshes of a drop are at least COALESCE_MS apart (at most 2 events a
 * second a stream), and happen every `refreshMs` anyway (a lost pub/sub message only delays an
 * update; admissions expire on time).
 *
 * When a buyer's last stream on this instance closes, its place gets an abandon deadline (now +
 * `graceMs`, queue-away.lua); coming back on any instance (a stream, /queue/me, joining) clears it,
 * else the admitter drops the waiting place after the deadline.
 */
import type { FastifyBaseLogger } from "fastify";
import type { ChannelHub } from "./channel-hub.ts";
import type { QueuePlace, QueueStore } from "./queue.ts";

export const COALESCE_MS = 500;

export type QueueWatcher = {
  /** Follows the buyer's place: `send` gets each changed place (never the same twice in a row). Returns the stop function. */
  watch(dropId: string, buyerId: string, first: QueuePlace, send: (place: QueuePlace) => void): () => void;
  /** Drops followed now (tests). */
  readonly drops: number;
};

type Watch = { buyerId: string; send: (p: QueuePlace) => void; last: string; sentAt: number };

type DropWatch = { watches: Set<Watch>; unsubscribe: () => void; timer?: NodeJS.Timeout; lastRefresh: number; periodic: NodeJS.Timeout; running?: Promise<void> };

export function createQueueWatcher(opts: { queue: QueueStore; hub: ChannelHub; refreshMs: number; graceMs: number; log: FastifyBaseLogger; now?: () => number }): QueueWatcher {
  const now = opts.now ?? Date.now;
  const drops = new Map<string, DropWatch>();

  async function refresh(dropId: string, d: DropWatch): Promise<void> {
    d.lastRefresh = now();
    const buyers = [...new Set([...d.watches].map((w) => w.buyerId))];
    const places = new Map<string, QueuePlace>();
    await Promise.all(buyers.map(async (b) => {
      const p = await opts.queue.place(dropId, b, { present: true });
      if (p.status === "MEMBER") places.set(b, p.place);
    }));
    let deferred = false;
    for (const w of d.watches) {
      const p = places.get(w.buyerId);
      if (!p) continue;
      const json = JSON.stringify(p);
      if (json === w.last) continue;
      if (now() - w.sentAt < COALESCE_MS) {
        deferred = true;
        continue;
      }
      w.last = json;
      w.sentAt = now();
      w.send(p);
    }
    if (deferred) schedule(dropId, d);
  }

  function schedule(dropId: string, d: DropWatch): void {
    if (d.timer) return;
    const wait = Math.max(0, d.lastRefresh + COALESCE_MS - now());
    d.timer = setTimeout(() => {
      d.timer = undefined;
      if (drops.get(dropId) !== d) return;
      const run = (d.running ?? Promise.resolve()).then(() => refresh(dropId, d)).catch((err: unknown) => {
        opts.log.warn({ err, dropId }, "waiting-room refresh failed; the next change or period retries");
      });
      d.running = run;
    }, wait);
    d.timer.unref();
  }

  return {
    get drops() {
      return drops.size;
    },
    watch(dropId, buyerId, first, send) {
      let d = drops.get(dropId);
      if (!d) {
        const created: DropWatch = {
          watches: new Set(),
          lastRefresh: 0,
          unsubscribe: opts.hub.subscribe(opts.queue.changesChannel(dropId), () => schedule(dropId, created)),
          periodic: setInterval(() => schedule(dropId, created), opts.refreshMs),
        };
        created.periodic.unref();
        d = created;
        drops.set(dropId, d);
      }
      const w: Watch = { buyerId, send, last: JSON.stringify(first), sentAt: now() };
      d.watches.add(w);
      const drop = d;
      return () => {
        drop.watches.delete(w);
        if (![...drop.watches].some((x) => x.buyerId === buyerId)) {
          opts.queue.away(dropId, buyerId, now() + opts.graceMs).catch((err: unknown) => {
            opts.log.warn({ err, dropId }, "could not record a waiting buyer's stream closing (its place stays)");
          });
        }
        if (drop.watches.size > 0) return;
        drop.unsubscribe();
        clearInterval(drop.periodic);
        if (drop.timer) clearTimeout(drop.timer);
        drops.delete(dropId);
      };
    },
  };
}

import type { FastifyInstance } from "fastify";
import type { StockChanged } from "@drops/events";
import { createSseFanout, lastEventIdOf, type SseFanout, type SseRegistry } from "@drops/http";
import { liveOf, openingStock, resumeSends, type VersionedStock } from "../domain/live-stock.ts";
import type { StockFeed } from "../domain/stock-feed.ts";
import type { DropInfoCache } from "../store/drop-info.ts";
import type { VersionedSnapshots } from "../store/live-stock.ts";
import { errors, idParams } from "./schemas.ts";

export type StockStreamDeps = {
  snapshots: VersionedSnapshots;
  feed: StockFeed;
  drops: DropInfoCache;
  sse: SseRegistry;
  /** At most one write per drop per this many milliseconds (the latest snapshot wins). */
  tickMs: number;
  /** Receives the fan-out (metrics, tests). */
  onFanout?: (fanout: SseFanout<StockChanged>) => void;
};

type StockFrame = { dropId: string; available: number; status: string | undefined };

/** A stock frame that must not wait for the coalescing tick: the final sold-out value, or any status change. */
export function isUrgentStock(data: StockFrame, previous: StockFrame | undefined): boolean {
  return data.available === 0 || data.status !== previous?.status;
}

/** Start times of the drops being streamed (for the public status); cleared when it grows past this. */
const MAX_DROPS = 10_000;

/**
 * GET /api/drops/:dropId/stock/stream (SSE, anyone): `event: stock`, `id: <seq>`, `data: {dropId,
 * available, status}`.
 *
 * The first event at once: the inventory's Redis snapshot with its seq, or the latest StockChanged
 * this instance consumed when that is newer, or the catalog's figures (no `id:`) when the drop is
 * not loaded or Redis fails. With `Last-Event-ID` (a reconnect), that first event is sent only if
 * it is newer than the client's id.
 *
 * Then the drop's changes from this instance's one Kafka subscription, through one fan-out per
 * instance: per drop, coalesced to one frame per `tickMs` (latest wins, the last always sent),
 * serialized once and written to every stream of the drop in slices; a sold-out or a status change
 * is written at once, abandoning a stale write in progress (sse-fanout.ts). Nothing is lost between the snapshot
 * and the join: the feed keeps the latest change of each drop, compared right before joining,
 * with no await in between.
 */
export async function stockStreamRoutes(app: FastifyInstance, { snapshots, feed, drops, sse, tickMs, onFanout }: StockStreamDeps): Promise<void> {
  const startsAt = new Map<string, number>();
  const fanout = createSseFanout<StockChanged>({
    tickMs,
    render: (dropId, c) => ({ event: "stock", data: frame(dropId, liveOf(c, startsAt.get(dropId) ?? null, Date.now())) }),
    // sold out, or a status change (opened, paused, closed, back from sold out): written at once, never after the tick
    urgent: (data, previous) => isUrgentStock(data as StockFrame, previous as StockFrame | undefined),
  });
  const frame = (dropId: string, live: { available: number; status?: string | undefined }, fallback?: string): StockFrame => ({
    dropId,
    available: live.available,
    status: live.status ?? fallback,
  });
  const off = feed.onAny((c) => fanout.publish(c.dropId, c, c.seq));
  app.addHook("onClose", async () => {
    off();
    fanout.close();
  });
  onFanout?.(fanout);

  app.get<{ Params: { dropId: string } }>(
    "/api/drops/:dropId/stock/stream",
    {
      schema: {
        tags: ["drops"],
        summary: "Live stock of a drop (server-sent events)",
        description:
          "text/event-stream: `event: stock` with data `{dropId, available, status}` and `id:` the snapshot's version, first at once, then on every change " +
          "(coalesced: at most one event per SSE_TICK_MS, the latest wins); a comment heartbeat every SSE_HEARTBEAT_MS. " +
          "On reconnect, `Last-Event-ID` resumes: the current snapshot is sent at once only if it is newer than that id.",
        params: idParams("dropId"),
        response: errors(400, 404, 503),
      },
    },
    async (request, reply) => {
      const { dropId } = request.params;
      const drop = await drops.get(dropId);
      const startsAtMs = Date.parse(drop.startsAt);
      if (startsAt.size >= MAX_DROPS) startsAt.clear();
      startsAt.set(dropId, startsAtMs);
      const lastEventId = lastEventIdOf(request);
      let read: Awaited<ReturnType<VersionedSnapshots["read"]>> = null;
      try {
        read = await snapshots.read(dropId);
      } catch (err) {
        request.log.warn({ err, dropId }, "stock snapshot unavailable; first event from Kafka's latest or the catalog");
      }
      // No await from here on: a change consumed before this line is in feed.latest, one after reaches the fan-out.
      const first: VersionedStock = openingStock(read, feed.latest(dropId), { available: drop.available, status: drop.status }, startsAtMs, Date.now());
      const stream = sse.open(request, reply);
      if (resumeSends(first, lastEventId)) stream.send("stock", frame(dropId, first, drop.status), first.seq);
      fanout.join(dropId, stream, first.seq ?? -1);
    },
  );
}

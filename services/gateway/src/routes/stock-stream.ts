import type { FastifyInstance } from "fastify";
import type { StockChanged } from "@drops/events";
import type { StockStore } from "@drops/inventory-service/stock";
import type { DropInfoCache } from "../purchase/drop-info.ts";
import type { StockFeed } from "../stock/feed.ts";
import { liveOfChange, liveOfSnapshot } from "../stock/live.ts";
import type { SseRegistry, SseStream } from "../stock/sse.ts";
import type { LiveStock } from "../catalog/stock.ts";
import { errors, idParams } from "../schemas.ts";

export type StockStreamDeps = { store: StockStore; feed: StockFeed; drops: DropInfoCache; sse: SseRegistry };

/**
 * GET /api/drops/:dropId/stock/stream (SSE, anyone): `event: stock`, `data: {dropId, available,
 * status}`. The first event at once, from the inventory's Redis snapshot (the catalog's figures when
 * the drop is not loaded yet or Redis fails), then one per StockChanged of that drop from this
 * instance's single Kafka subscription. Subscribed before the snapshot is read, so no change is lost
 * in between; changes that arrive meanwhile follow the first event.
 */
export async function stockStreamRoutes(app: FastifyInstance, { store, feed, drops, sse }: StockStreamDeps): Promise<void> {
  app.get<{ Params: { dropId: string } }>(
    "/api/drops/:dropId/stock/stream",
    {
      schema: {
        tags: ["drops"],
        summary: "Live stock of a drop (server-sent events)",
        description: "text/event-stream: `event: stock` with data `{dropId, available, status}`, first at once, then on every change; a comment heartbeat every SSE_HEARTBEAT_MS.",
        params: idParams("dropId"),
        response: errors(400, 404, 503),
      },
    },
    async (request, reply) => {
      const { dropId } = request.params;
      const drop = await drops.get(dropId);
      const startsAtMs = Date.parse(drop.startsAt);
      const frame = (live: LiveStock) => ({ dropId, available: live.available, status: live.status ?? drop.status });
      const queued: StockChanged[] = [];
      const live: { stream?: SseStream } = {};
      const unsubscribe = feed.subscribe(dropId, (c) => {
        if (live.stream) live.stream.send("stock", frame(liveOfChange(c, startsAtMs)));
        else queued.push(c);
      });
      let first: LiveStock = { available: drop.available, status: drop.status };
      try {
        const snap = await store.snapshot(dropId);
        if (snap) first = liveOfSnapshot(snap, startsAtMs);
      } catch (err) {
        request.log.warn({ err, dropId }, "stock snapshot unavailable; first event from the catalog");
      }
      const open = sse.open(request, reply, unsubscribe);
      open.send("stock", frame(first));
      for (const c of queued.splice(0)) open.send("stock", frame(liveOfChange(c, startsAtMs)));
      live.stream = open;
    },
  );
}

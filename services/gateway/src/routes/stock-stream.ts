import type { FastifyInstance } from "fastify";
import type { StockChanged } from "@drops/events";
import type { SseRegistry, SseStream } from "@drops/http";
import { liveOf, type LiveStock } from "../domain/live-stock.ts";
import type { StockFeed } from "../domain/stock-feed.ts";
import type { DropInfoCache } from "../store/drop-info.ts";
import type { PurchaseStock } from "../store/stock.ts";
import { errors, idParams } from "./schemas.ts";

export type StockStreamDeps = { stock: PurchaseStock; feed: StockFeed; drops: DropInfoCache; sse: SseRegistry };

/**
 * GET /api/drops/:dropId/stock/stream (SSE, anyone): `event: stock`, `data: {dropId, available,
 * status}`. The first event at once, from the inventory's Redis snapshot (the catalog's figures when
 * the drop is not loaded yet or Redis fails), then one per StockChanged of that drop from this
 * instance's single Kafka subscription. Subscribed before the snapshot is read, so no change is lost
 * in between; changes that arrive meanwhile follow the first event.
 */
export async function stockStreamRoutes(app: FastifyInstance, { stock, feed, drops, sse }: StockStreamDeps): Promise<void> {
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
      const ofChange = (c: StockChanged) => frame(liveOf(c, startsAtMs, Date.now()));
      const queued: StockChanged[] = [];
      const live: { stream?: SseStream } = {};
      const unsubscribe = feed.subscribe(dropId, (c) => {
        if (live.stream) live.stream.send("stock", ofChange(c));
        else queued.push(c);
      });
      let first: LiveStock = { available: drop.available, status: drop.status };
      try {
        const snap = await stock.snapshot(dropId);
        if (snap) first = liveOf(snap, startsAtMs, Date.now());
      } catch (err) {
        request.log.warn({ err, dropId }, "stock snapshot unavailable; first event from the catalog");
      }
      const open = sse.open(request, reply, unsubscribe);
      open.send("stock", frame(first));
      for (const c of queued.splice(0)) open.send("stock", ofChange(c));
      live.stream = open;
    },
  );
}

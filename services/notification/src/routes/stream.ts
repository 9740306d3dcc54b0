/**
 * GET /notifications/stream: Server-Sent Events, one `notification` event per notification stored
 * for the caller (x-user-id) while the stream is open, plus keep-alive comments. Not replayed on
 * reconnect: a client lists GET /notifications after (re)connecting.
 */
import type { FastifyInstance } from "fastify";
import type { LiveHub } from "../live/hub.ts";
import type { NotificationView } from "../read/notification-view.ts";
import { userOf } from "./user.ts";

export type StreamRoutesOptions = { hub: LiveHub; heartbeatMs: number };

export function sseFrame(n: NotificationView): string {
  return `id: ${n.id}\nevent: notification\ndata: ${JSON.stringify(n)}\n\n`;
}

export async function streamRoutes(app: FastifyInstance, opts: StreamRoutesOptions): Promise<void> {
  const open = new Set<() => void>();
  // Open streams would hold the server's close forever: end them first.
  app.addHook("preClose", async () => {
    for (const close of [...open]) close();
  });

  app.get("/notifications/stream", async (req, reply) => {
    const buyerId = userOf(req);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write("retry: 3000\n: connected\n\n");
    const unsubscribe = opts.hub.subscribe(buyerId, (n) => void res.write(sseFrame(n)));
    const heartbeat = setInterval(() => void res.write(": ping\n\n"), opts.heartbeatMs);
    heartbeat.unref();
    const close = (): void => {
      if (!open.delete(close)) return;
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
    };
    open.add(close);
    req.raw.on("close", close);
    res.on("error", close);
  });
}

/**
 * GET /notifications/stream: Server-Sent Events (the shared registry of @drops/http), one
 * `notification` event per notification stored for the caller while the stream is open (its `id:`
 * is the notification id), plus keep-alive comments. Not replayed on reconnect: a client lists
 * GET /notifications after (re)connecting.
 */
import type { FastifyInstance } from "fastify";
import { callerOf, sseRegistryFor } from "@drops/http";
import type { LiveHub } from "../store/live-hub.ts";

export type StreamRoutesOptions = { hub: LiveHub; heartbeatMs: number };

export async function streamRoutes(app: FastifyInstance, opts: StreamRoutesOptions): Promise<void> {
  const streams = sseRegistryFor(app, { heartbeatMs: opts.heartbeatMs, retryMs: 3_000 });

  app.get("/notifications/stream", async (req, reply) => {
    const { userId } = callerOf(req);
    let unsubscribe = (): void => {};
    const stream = streams.open(req, reply, () => unsubscribe());
    if (!stream.closed) unsubscribe = opts.hub.subscribe(userId, (n) => stream.send("notification", n, n.id));
  });
}

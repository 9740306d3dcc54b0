/**
 * The notification service's HTTP API (`NOTIFICATION_URL`): a buyer's notifications, mark-read, the
 * internal watcher routes, and the live stream, which is proxied as bytes: one upstream connection
 * per open client stream (see routes/notifications.ts).
 */
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { FastifyBaseLogger } from "fastify";
import { AppError, createServiceClient, isErrorCode, unavailable, type Caller, type InternalAuth, type ServiceClient } from "@drops/http";

export type UpstreamStream = { body: Readable; close: () => void };

export type NotificationClient = ServiceClient & {
  /** Opens GET /notifications/stream for the caller: resolves once the service answered 200 with its headers. */
  openStream(caller: Caller, requestId: string): Promise<UpstreamStream>;
};

export function createNotificationClient(baseUrl: string, timeoutMs: number, auth: InternalAuth, log?: FastifyBaseLogger): NotificationClient {
  const service = "notification service";
  const client = createServiceClient({ service, audience: "notification", auth, baseUrl, timeoutMs, ...(log ? { log } : {}) });
  const base = baseUrl.replace(/\/+$/, "");
  return {
    call: client.call,
    async openStream(caller, requestId) {
      const abort = new AbortController();
      // Only the answer's headers are timed: the stream itself stays open as long as the client's.
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      let res: Response;
      try {
        res = await fetch(`${base}/notifications/stream`, {
          headers: { accept: "text/event-stream", "x-request-id": requestId, ...auth.headers("notification", caller, requestId) },
          signal: abort.signal,
        });
      } catch (err) {
        log?.warn({ err, url: "/notifications/stream", service }, "service unreachable");
        throw unavailable(`the ${service} is unavailable; retry shortly`);
      } finally {
        clearTimeout(timer);
      }
      if (res.status !== 200 || res.body === null) {
        const text = await res.text().catch(() => "");
        abort.abort();
        let body: { code?: unknown; message?: unknown } = {};
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          // not JSON
        }
        if (res.status < 500 && isErrorCode(body.code)) throw new AppError(body.code, typeof body.message === "string" ? body.message : "refused");
        log?.warn({ status: res.status, url: "/notifications/stream", service }, "service failed");
        throw unavailable(`the ${service} is unavailable; retry shortly`);
      }
      return { body: Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), close: () => abort.abort() };
    },
  };
}

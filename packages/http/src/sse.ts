/**
 * Server-sent events on a hijacked reply, for every stream the services serve: the headers,
 * `event:`/`data:` (and optional `id:`) frames, comment heartbeats, and one close path. A client
 * gone is told by the response's `close` (not the request's, which fires once a request is read).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export type SseStream = {
  send(event: string, data: unknown, id?: string): void;
  close(): void;
  readonly closed: boolean;
};

export type SseRegistry = {
  /** Opens the stream on `reply` (status 200, event-stream headers); `onClose` runs once when it ends. */
  open(request: FastifyRequest, reply: FastifyReply, onClose?: () => void): SseStream;
  /** Ends every open stream (app close). */
  closeAll(): void;
  readonly size: number;
};

export type SseOptions = {
  heartbeatMs: number;
  /** Sent as `retry:` so browsers reconnect after this many milliseconds. */
  retryMs?: number;
};

/** A frame as written on the wire. */
export function sseFrame(event: string, data: unknown, id?: string): string {
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function createSseRegistry(opts: SseOptions): SseRegistry {
  const open = new Set<SseStream>();
  return {
    get size() {
      return open.size;
    },
    open(request, reply, onClose) {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
        "x-request-id": request.id,
      });
      res.write(`${opts.retryMs === undefined ? "" : `retry: ${opts.retryMs}\n`}: connected\n\n`);
      let closed = false;
      const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), opts.heartbeatMs);
      heartbeat.unref();
      const stream: SseStream = {
        get closed() {
          return closed;
        },
        send(event, data, id) {
          if (!closed) res.write(sseFrame(event, data, id));
        },
        close() {
          if (closed) return;
          closed = true;
          clearInterval(heartbeat);
          open.delete(stream);
          onClose?.();
          if (!res.writableEnded) res.end();
        },
      };
      open.add(stream);
      res.on("close", () => stream.close());
      res.on("error", () => stream.close());
      if (res.destroyed || res.socket?.destroyed === true) stream.close();
      return stream;
    },
    closeAll() {
      for (const s of [...open]) s.close();
    },
  };
}

/** A registry whose streams end when `app` starts closing (open streams would hold its close forever). */
export function sseRegistryFor(app: FastifyInstance, opts: SseOptions): SseRegistry {
  const registry = createSseRegistry(opts);
  app.addHook("preClose", async () => registry.closeAll());
  return registry;
}

/** Server-sent events on a hijacked reply: `event: <name>` / `data: <json>` frames, comment heartbeats. */
import type { FastifyReply, FastifyRequest } from "fastify";

export type SseStream = {
  send(event: string, data: unknown): void;
  close(): void;
  readonly closed: boolean;
};

export type SseRegistry = {
  /** Opens the stream on `reply` (status 200, event-stream headers); `onClose` runs once when it ends. */
  open(request: FastifyRequest, reply: FastifyReply, onClose: () => void): SseStream;
  /** Ends every open stream (app close). */
  closeAll(): void;
  readonly size: number;
};

export function createSseRegistry(heartbeatMs: number): SseRegistry {
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
      res.write(": connected\n\n");
      let closed = false;
      const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), heartbeatMs);
      heartbeat.unref();
      const stream: SseStream = {
        get closed() {
          return closed;
        },
        send(event, data) {
          if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        },
        close() {
          if (closed) return;
          closed = true;
          clearInterval(heartbeat);
          open.delete(stream);
          onClose();
          if (!res.writableEnded) res.end();
        },
      };
      open.add(stream);
      // the response's close (not the request's, which fires once a request is read) tells a client gone
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

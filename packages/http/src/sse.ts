/**
 * Server-sent events on a hijacked reply, for every stream the services serve: the headers,
 * `event:`/`data:` (and optional `id:`) frames, comment heartbeats, and one close path. Built for
 * tens of thousands of streams per process:
 *
 * - Frames can be written pre-serialized (`write(buffer)`): a fan-out serializes a change once and
 *   hands the same Buffer to every stream (see sse-fanout.ts).
 * - The response is not chunk-encoded (`Connection: close` ends it), so a frame goes to the socket
 *   as is, one `socket.write` of the shared Buffer, without a per-write chunk header.
 * - One heartbeat timer for the whole registry, never one per stream.
 * - A client that does not read is dropped, never waited for: once more than `maxBufferedBytes`
 *   sit unsent in its socket's user-space buffer (the kernel's send buffer is already full), the
 *   socket is destroyed and counted in `evicted`. Nothing blocks the other streams; the memory a
 *   slow client can pin is bounded by that figure.
 *
 * A client gone is told by the response's `close` (not the request's, which fires once a request
 * is read).
 */
import type { Socket } from "node:net";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export type SseStream = {
  /** Serializes and writes a frame (the ad-hoc path: one stream, one event). */
  send(event: string, data: unknown, id?: string | number): void;
  /**
   * Writes a pre-serialized frame (`sseFrameBuffer`), the same Buffer for every stream of a fan-out.
   * With `version`, records it as the stream's version. False when the stream is closed (or is
   * closed by this write: its client is too slow).
   */
  write(frame: Buffer, version?: number): boolean;
  /** Runs `fn` once when the stream ends (after the `onClose` given to `open`). */
  onClose(fn: () => void): void;
  close(): void;
  readonly closed: boolean;
  /** The version (e.g. a snapshot's seq) of the last versioned frame written, or set on joining; -1 when none. */
  version: number;
};

export type SseStats = {
  /** Streams open now. */
  open: number;
  /** Streams opened since the registry was made. */
  opened: number;
  /** Streams closed because their client did not read (more than `maxBufferedBytes` unsent). */
  evicted: number;
};

export type SseRegistry = {
  /** Opens the stream on `reply` (status 200, event-stream headers); `onClose` runs once when it ends. */
  open(request: FastifyRequest, reply: FastifyReply, onClose?: () => void): SseStream;
  /** Ends every open stream (app close). */
  closeAll(): void;
  readonly size: number;
  stats(): SseStats;
  /** Writes the heartbeat comment to every open stream now (the timer's job; tests). */
  heartbeat(): void;
};

export type SseOptions = {
  /** Interval of the `: heartbeat` comment, one timer for all the registry's streams. */
  heartbeatMs: number;
  /** Sent as `retry:` so browsers reconnect after this many milliseconds. */
  retryMs?: number;
  /** Unsent bytes a stream may hold in user space before it is closed as too slow (default 64 KiB). */
  maxBufferedBytes?: number;
};

export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024;

const HEARTBEAT = Buffer.from(": heartbeat\n\n");

/** A frame as written on the wire. */
export function sseFrame(event: string, data: unknown, id?: string | number): string {
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A frame as a Buffer, serialized once and written to any number of streams. */
export function sseFrameBuffer(event: string, data: unknown, id?: string | number): Buffer {
  return Buffer.from(sseFrame(event, data, id));
}

/**
 * The client's `Last-Event-ID` (sent by EventSource on reconnect) as a non-negative integer
 * version; undefined when absent or not such a number (a forged or foreign id resumes nothing).
 */
export function lastEventIdOf(request: FastifyRequest): number | undefined {
  const raw = request.headers["last-event-id"];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^\d{1,16}$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The minimum of an open response the registry needs (a ServerResponse; a fake in unit tests). */
export type SseSocket = Pick<Socket, "write" | "destroy" | "writableLength" | "destroyed">;

class Stream implements SseStream {
  version = -1;
  closed = false;
  private hooks: (() => void) | (() => void)[] | undefined;
  private readonly registry: Registry;
  private readonly socket: SseSocket;
  private readonly end: () => void;

  constructor(registry: Registry, socket: SseSocket, end: () => void) {
    this.registry = registry;
    this.socket = socket;
    this.end = end;
  }

  send(event: string, data: unknown, id?: string | number): void {
    this.write(Buffer.from(sseFrame(event, data, id)));
  }

  write(frame: Buffer, version?: number): boolean {
    if (this.closed) return false;
    this.socket.write(frame);
    if (version !== undefined) this.version = version;
    if (this.socket.writableLength > this.registry.maxBuffered) {
      this.registry.evicted++;
      this.socket.destroy();
      this.close();
      return false;
    }
    return true;
  }

  onClose(fn: () => void): void {
    if (this.closed) return fn();
    this.hooks = this.hooks === undefined ? fn : Array.isArray(this.hooks) ? [...this.hooks, fn] : [this.hooks, fn];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.registry.remove(this);
    const hooks = this.hooks;
    this.hooks = undefined;
    if (typeof hooks === "function") hooks();
    else for (const h of hooks ?? []) h();
    this.end();
  }
}

class Registry implements SseRegistry {
  readonly streams = new Set<Stream>();
  evicted = 0;
  opened = 0;
  readonly maxBuffered: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly opts: SseOptions;

  constructor(opts: SseOptions) {
    this.opts = opts;
    this.maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  }

  get size(): number {
    return this.streams.size;
  }

  stats(): SseStats {
    return { open: this.streams.size, opened: this.opened, evicted: this.evicted };
  }

  open(request: FastifyRequest, reply: FastifyReply, onClose?: () => void): SseStream {
    reply.hijack();
    const res = reply.raw;
    // No chunked encoding: the stream's bytes go to the socket as they are (it ends with the connection).
    res.useChunkedEncodingByDefault = false;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      "x-request-id": request.id,
    });
    res.write(`${this.opts.retryMs === undefined ? "" : `retry: ${this.opts.retryMs}\n`}: connected\n\n`);
    const socket = res.socket;
    socket?.setNoDelay(true); // a frame goes out at once, not after the client's delayed ACK
    if (!socket || res.destroyed || socket.destroyed) {
      const gone = this.track(closedSocket, () => {});
      if (onClose) gone.onClose(onClose);
      gone.close();
      return gone;
    }
    // From here on the stream is the raw socket (the response is not chunked and ends with the
    // connection, so ending the socket ends it): the response object is detached from the socket and
    // nothing of ours keeps it or the request (about 1 kB of heap a stream, measured).
    res.detachSocket(socket);
    const stream = this.track(socket, () => socket.end());
    if (onClose) stream.onClose(onClose);
    const close = (): void => stream.close();
    socket.on("close", close);
    socket.on("error", close);
    return stream;
  }

  /** A stream on `socket` (the open path above; unit tests with a fake socket). */
  track(socket: SseSocket, end: () => void): Stream {
    const stream = new Stream(this, socket, end);
    this.streams.add(stream);
    this.opened++;
    if (!this.timer) {
      this.timer = setInterval(() => this.heartbeat(), this.opts.heartbeatMs);
      this.timer.unref();
    }
    return stream;
  }

  remove(stream: Stream): void {
    this.streams.delete(stream);
    if (this.streams.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  heartbeat(): void {
    for (const s of this.streams) s.write(HEARTBEAT);
  }

  closeAll(): void {
    for (const s of [...this.streams]) s.close();
  }
}

const closedSocket: SseSocket = { write: () => false, destroy: () => closedSocket as unknown as Socket, writableLength: 0, destroyed: true };

export function createSseRegistry(opts: SseOptions): SseRegistry {
  return new Registry(opts);
}

/**
 * A registry over fake sockets, for unit tests of what is written: `attach(socket)` is what `open`
 * does once the headers are out.
 */
export function createTestSseRegistry(opts: SseOptions): SseRegistry & { attach(socket: SseSocket, end?: () => void): SseStream } {
  const registry = new Registry(opts);
  return Object.assign(registry, { attach: (socket: SseSocket, end: () => void = () => {}) => registry.track(socket, end) });
}

/** A registry whose streams end when `app` starts closing (open streams would hold its close forever). */
export function sseRegistryFor(app: FastifyInstance, opts: SseOptions): SseRegistry {
  const registry = createSseRegistry(opts);
  app.addHook("preClose", async () => registry.closeAll());
  return registry;
}

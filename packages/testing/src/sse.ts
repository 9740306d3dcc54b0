/**
 * A test's SSE client (what a browser's EventSource does, without reconnecting): opens the stream,
 * parses every frame as it arrives, and keeps them for the test to look at.
 */
import { request, type IncomingMessage } from "node:http";

export type SseFrame<T = Record<string, unknown>> = {
  /** The `event:` field ("" when absent). */
  event: string;
  /** The `id:` field. */
  id: string | undefined;
  /** The `data:` field, parsed as JSON. */
  data: T;
};

export type SseStream<T = Record<string, unknown>> = {
  res: IncomingMessage;
  status: number;
  /** Every frame with a `data:` line, in order. */
  frames: SseFrame<T>[];
  /** Every comment block (`: heartbeat`, ...). */
  comments: string[];
  /** Resolves when the server or the test ends the stream. */
  ended: Promise<void>;
  close: () => void;
};

/** Opens `url` as an event stream; `lastEventId` sends `Last-Event-ID`. Resolves once the headers are in. */
export function openSse<T = Record<string, unknown>>(url: string, opts: { lastEventId?: string; headers?: Record<string, string> } = {}): Promise<SseStream<T>> {
  const headers: Record<string, string> = { accept: "text/event-stream", ...(opts.headers ?? {}) };
  if (opts.lastEventId !== undefined) headers["last-event-id"] = opts.lastEventId;
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const frames: SseFrame<T>[] = [];
      const comments: string[] = [];
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (block.startsWith(":")) comments.push(block);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data === undefined) continue;
          frames.push({ event: /^event: (.*)$/m.exec(block)?.[1] ?? "", id: /^id: (.*)$/m.exec(block)?.[1], data: JSON.parse(data) as T });
        }
      });
      const ended = new Promise<void>((r) => res.on("close", () => r()));
      resolve({ res, status: res.statusCode ?? 0, frames, comments, ended, close: () => req.destroy() });
    });
    req.on("error", reject);
    req.end();
  });
}

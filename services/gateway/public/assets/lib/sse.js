// Server-sent events over fetch (not EventSource): it can send the Authorization header, it sees the
// HTTP status (a 404 route is "not available" instead of an endless reconnect), and it resumes with
// Last-Event-ID after a dropped connection.
import { getSession } from "./api.js";

/**
 * stream(path, { onEvent(type, data, id), onOpen(), onGone(status), auth }) -> { close() }.
 * `auth`: send the session's token (header, and `access_token` in the query as the API's SSE routes
 * document it). onGone is called (and the stream stops) when the route answers 4xx.
 */
export function stream(path, handlers) {
  const ctl = new AbortController();
  let lastId = null;
  let retryMs = 1000;
  let closed = false;

  const run = async () => {
    while (!closed) {
      const headers = { accept: "text/event-stream" };
      let url = path;
      const token = getSession()?.token;
      if (handlers.auth && token) {
        headers.authorization = `Bearer ${token}`;
        url += `${url.includes("?") ? "&" : "?"}access_token=${encodeURIComponent(token)}`;
      }
      if (lastId !== null) headers["last-event-id"] = lastId;
      let res;
      try {
        res = await fetch(url, { headers, signal: ctl.signal, cache: "no-store" });
      } catch {
        if (closed) return;
        await wait(retryMs);
        continue;
      }
      if (res.status >= 400 && res.status < 500) {
        await res.body?.cancel().catch(() => undefined);
        handlers.onGone?.(res.status);
        return;
      }
      if (!res.ok || !res.body || !(res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
        await res.body?.cancel().catch(() => undefined);
        await wait(retryMs);
        continue;
      }
      handlers.onOpen?.();
      try {
        await readEvents(res.body, (ev) => {
          if (ev.id !== undefined) lastId = ev.id;
          if (ev.retry !== undefined) retryMs = ev.retry;
          if (ev.data === undefined) return;
          let data = ev.data;
          try {
            data = JSON.parse(ev.data);
          } catch {
            // not JSON: the text
          }
          handlers.onEvent(ev.event ?? "message", data, ev.id);
        });
      } catch {
        // dropped: reconnect below
      }
      if (!closed) await wait(retryMs);
    }
  };

  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  void run();
  return {
    close() {
      closed = true;
      ctl.abort();
    },
  };
}

/** Parses text/event-stream (the WHATWG rules: fields, comments, blank line ends an event). */
async function readEvents(body, emit) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  let ev = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let nl;
    while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + (buf.startsWith("\r\n", nl) ? 2 : 1));
      if (line === "") {
        if (ev.data !== undefined || ev.id !== undefined) emit(ev);
        ev = {};
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      let val = colon < 0 ? "" : line.slice(colon + 1);
      if (val.startsWith(" ")) val = val.slice(1);
      if (name === "data") ev.data = ev.data === undefined ? val : `${ev.data}\n${val}`;
      else if (name === "event") ev.event = val;
      else if (name === "id") ev.id = val;
      else if (name === "retry" && /^\d+$/.test(val)) ev.retry = Number(val);
    }
  }
}

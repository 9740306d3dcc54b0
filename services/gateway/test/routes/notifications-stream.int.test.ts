/**
 * The notification stream proxy against a stand-in upstream: the caller from ?access_token= or the
 * header goes upstream as the signed internal assertion (the token does not), frames pass through, the client going away
 * closes the upstream connection, the upstream ending ends the client's stream, the upstream down is
 * 503 before any stream opens.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import t from "tap";
import { eventually } from "@drops/testing";
import { testStack } from "../helpers.ts";
import { assertedBy } from "./stub-service.ts";

type Upstream = { url: string; opened: { url: string; headers: IncomingHttpHeaders; res: ServerResponse; closed: Promise<void> }[] };

async function sseUpstream(tt: { teardown: (fn: () => unknown) => void }): Promise<Upstream> {
  const opened: Upstream["opened"] = [];
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("retry: 3000\n: connected\n\n");
    opened.push({ url: req.url ?? "", headers: req.headers, res, closed: new Promise((r) => res.on("close", () => r())) });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  tt.teardown(() => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, opened };
}

async function read(res: Response, until: (text: string) => boolean): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += decoder.decode(value as Uint8Array, { stream: true });
  }
  reader.releaseLock();
  return text;
}

t.test("the stream is proxied per client; closing either side closes the other", async (t) => {
  const upstream = await sseUpstream(t);
  const s = await testStack(t, {}, { NOTIFICATION_URL: upstream.url, SERVICE_TIMEOUT_MS: "500" });
  const base = await s.gateway.listen({ host: "127.0.0.1", port: 0 });
  const user = await s.signup("streamer");

  const abort = new AbortController();
  const res = await fetch(`${base}/api/notifications/stream?access_token=${encodeURIComponent(user.accessToken)}`, { signal: abort.signal });
  t.equal(res.status, 200);
  t.match(res.headers.get("content-type"), /text\/event-stream/);
  await eventually(() => upstream.opened.length === 1);
  const up = upstream.opened[0]!;
  t.equal(up.url, "/notifications/stream", "the token is not sent upstream");
  t.match(assertedBy(up.headers), { sub: user.userId, aud: "notification" }, "the verified caller is, signed");
  t.notOk(up.headers.authorization);
  t.match(await read(res, (x) => x.includes(": connected")), /retry: 3000/);
  up.res.write('id: n1\nevent: notification\ndata: {"id":"n1"}\n\n');
  t.match(await read(res, (x) => x.includes("event: notification")), /data: \{"id":"n1"\}/, "frames pass through");
  abort.abort();
  await up.closed; // resolves only when the upstream connection closed
  t.pass("the client gone closed the upstream connection");

  const viaHeader = await fetch(`${base}/api/notifications/stream`, { headers: { authorization: `Bearer ${user.accessToken}` } });
  t.equal(viaHeader.status, 200, "the Authorization header works too");
  await eventually(() => upstream.opened.length === 2);
  upstream.opened[1]!.res.end();
  await read(viaHeader, () => false); // returns at the end of the stream
  t.pass("the upstream ending ended the client's stream");

  const bad = await fetch(`${base}/api/notifications/stream?access_token=nope`);
  t.equal(bad.status, 401);
  t.equal(((await bad.json()) as { code: string }).code, "INVALID_TOKEN");
  t.equal(upstream.opened.length, 2, "no upstream connection for a refused caller");
});

t.test("the notification service down: 503 before the stream opens, list and read too", async (t) => {
  const s = await testStack(t, {}, { NOTIFICATION_URL: "http://127.0.0.1:1", SERVICE_TIMEOUT_MS: "500" });
  const user = await s.signup("nobody-home");
  for (const [method, url] of [["GET", "/api/notifications/stream"], ["GET", "/api/notifications"], ["POST", "/api/notifications/6f1c1d1e-1111-4222-8333-944444444444/read"]] as const) {
    const res = await s.call(method, url, { token: user.accessToken });
    t.equal(res.statusCode, 503, `${method} ${url}`);
    t.equal(res.json().code, "UNAVAILABLE");
  }
});

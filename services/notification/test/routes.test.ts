import t from "tap";
import { buildApp } from "../src/app.ts";
import { openClients } from "../src/clients.ts";
import { readConfig } from "../src/config.ts";
import { envelope, ids, startNotifyEnv } from "./helpers.ts";

type Reader = ReadableStreamDefaultReader<string>;

/** Opens the SSE stream of `buyerId` and returns a function that reads until `re` matches the text so far. */
async function openStream(t: { teardown(fn: () => unknown): void }, url: string, buyerId: string): Promise<{ status: number; type: string | null; until: (re: RegExp) => Promise<string> }> {
  const ctrl = new AbortController();
  t.teardown(() => ctrl.abort());
  const res = await fetch(`${url}/notifications/stream`, { headers: { "x-user-id": buyerId }, signal: ctrl.signal });
  const body = res.body;
  if (body === null) throw new Error("no body");
  const reader: Reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const until = async (re: RegExp): Promise<string> => {
    const deadline = Date.now() + 15_000;
    while (!re.test(text)) {
      if (Date.now() > deadline) throw new Error(`stream never matched ${re}: ${text}`);
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended: ${text}`);
      text += value;
    }
    return text;
  };
  return { status: res.status, type: res.headers.get("content-type"), until };
}

t.test("bad input answers 4xx with the error shape, never 5xx", async (t) => {
  const env = await startNotifyEnv(t);
  const { buyerId, dropId } = ids();
  const h = { "x-user-id": buyerId };
  const cases: { name: string; method: "GET" | "POST" | "PUT"; url: string; headers?: Record<string, string>; payload?: string; status: number }[] = [
    { name: "list without x-user-id", method: "GET", url: "/notifications", status: 401 },
    { name: "bad x-user-id", method: "GET", url: "/notifications", headers: { "x-user-id": "a b/c" }, status: 401 },
    { name: "page 0", method: "GET", url: "/notifications?page=0", headers: h, status: 400 },
    { name: "pageSize too big", method: "GET", url: "/notifications?pageSize=1000", headers: h, status: 400 },
    { name: "page not a number", method: "GET", url: "/notifications?page=abc", headers: h, status: 400 },
    { name: "read: id not a uuid", method: "POST", url: "/notifications/not-a-uuid/read", headers: h, status: 400 },
    { name: "read: unknown id", method: "POST", url: "/notifications/8b0d6a8e-2f7e-4d43-9a57-1d7c2c7b4f10/read", headers: h, status: 404 },
    { name: "read: without x-user-id", method: "POST", url: "/notifications/8b0d6a8e-2f7e-4d43-9a57-1d7c2c7b4f10/read", status: 401 },
    {
      name: "read: malformed JSON body",
      method: "POST",
      url: "/notifications/8b0d6a8e-2f7e-4d43-9a57-1d7c2c7b4f10/read",
      headers: { ...h, "content-type": "application/json" },
      payload: "{bad json",
      status: 400,
    },
    { name: "watch: bad drop id", method: "PUT", url: `/internal/drops/bad%20id/watchers/${buyerId}`, status: 400 },
    { name: "watch: bad buyer id", method: "PUT", url: `/internal/drops/${dropId}/watchers/a%2Fb`, status: 400 },
    { name: "watch: overlong buyer id", method: "PUT", url: `/internal/drops/${dropId}/watchers/${"x".repeat(201)}`, status: 414 },
    { name: "stream without x-user-id", method: "GET", url: "/notifications/stream", status: 401 },
  ];
  for (const c of cases) {
    const res = await env.app.inject({ method: c.method, url: c.url, headers: c.headers ?? {}, ...(c.payload !== undefined ? { payload: c.payload } : {}) });
    t.equal(res.statusCode, c.status, `${c.name}: ${res.body}`);
    t.type(res.json().code, "string", `${c.name}: error shape`);
  }
});

t.test("GET /notifications/stream pushes the buyer's new notifications live, and only theirs", async (t) => {
  const env = await startNotifyEnv(t);
  const url = await env.app.listen({ host: "127.0.0.1", port: 0 });
  const mine = ids();
  const other = ids();
  const { status, type, until } = await openStream(t, url, mine.buyerId);
  t.equal(status, 200);
  t.match(type, /^text\/event-stream/);
  await until(/: connected/);
  await eventuallyListening(env.clients.hub.listeners.bind(env.clients.hub), mine.buyerId);

  await env.publish(envelope("OrderConfirmed", { ...other, quantity: 1, amountCents: 100, paymentId: "pay_x" }));
  await env.publish(envelope("OrderCancelled", { ...mine, quantity: 1, reason: "BUYER_CANCELLED", detail: null }));
  const text = await until(/event: notification\ndata: .*\n\n/);
  const frames = text.split("\n\n").filter((f) => f.includes("event: notification"));
  t.equal(frames.length, 1);
  const data = JSON.parse(/data: (.*)/.exec(frames[0] ?? "")?.[1] ?? "null");
  t.match(data, { buyerId: mine.buyerId, orderId: mine.orderId, kind: "order_cancelled" });
  t.notMatch(text, other.buyerId, "another buyer's notification is not pushed here");
  await until(/: heartbeat/);

  await env.app.close(); // open streams end on close instead of holding it
  t.equal(env.clients.hub.listeners(mine.buyerId), 0, "unsubscribed on close");
});

async function eventuallyListening(listeners: (buyerId: string) => number, buyerId: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (listeners(buyerId) === 0) {
    if (Date.now() > deadline) throw new Error("the stream never subscribed");
    await new Promise((r) => setTimeout(r, 20));
  }
}

t.test("a notification stored by one instance reaches a stream open on another (Redis pub/sub)", async (t) => {
  const env = await startNotifyEnv(t); // instance B: consumer + app
  const clients = openClients(readConfig(env.vars));
  const { app: other } = await buildApp(readConfig(env.vars), clients);
  t.teardown(() => other.close());
  await clients.hub.ready;
  const url = await other.listen({ host: "127.0.0.1", port: 0 }); // instance A: no consumer, only the stream
  const mine = ids();
  const { until } = await openStream(t, url, mine.buyerId);
  await until(/: connected/);
  await env.publish(envelope("OrderConfirmed", { ...mine, quantity: 3, amountCents: 300, paymentId: "pay_y" }));
  const text = await until(/event: notification\ndata: .*\n\n/);
  t.match(text, mine.orderId);
  t.match(text, /"kind":"order_confirmed"/);
});

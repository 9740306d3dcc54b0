/** GET /notifications/stream on a real listener: live pushes for the caller only, across instances through Redis. */
import t from "tap";
import { testEnvelope } from "@drops/kafka/testing";
import { buildApp } from "../../src/app.ts";
import { openClients } from "../../src/clients.ts";
import { readConfig } from "../../src/config.ts";
import { ids, startNotifyEnv } from "../helpers.ts";
import { asUser } from "@drops/http/testing";

type Reader = ReadableStreamDefaultReader<string>;

/** Opens the SSE stream of `buyerId` and returns a function that reads until `re` matches the text so far. */
async function openStream(t: { teardown(fn: () => unknown): void }, url: string, buyerId: string): Promise<{ status: number; type: string | null; until: (re: RegExp) => Promise<string> }> {
  const ctrl = new AbortController();
  t.teardown(() => ctrl.abort());
  const res = await fetch(`${url}/notifications/stream`, { headers: asUser("notification", buyerId), signal: ctrl.signal });
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

  await env.publish(testEnvelope("OrderConfirmed", { ...other, quantity: 1, amountCents: 100, paymentId: "pay_x" }));
  await env.publish(testEnvelope("OrderCancelled", { ...mine, quantity: 1, reason: "BUYER_CANCELLED", detail: null }));
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
  await env.publish(testEnvelope("OrderConfirmed", { ...mine, quantity: 3, amountCents: 300, paymentId: "pay_y" }));
  const text = await until(/event: notification\ndata: .*\n\n/);
  t.match(text, mine.orderId);
  t.match(text, /"kind":"order_confirmed"/);
});

/**
 * Dead letters, notifications, watchers and opening-soon notices through the public gateway, on the
 * whole platform (every service a process, real Kafka, Redis and PostgreSQL):
 * - a poison message on drops.payments is dead-lettered with its reason and listed for admins; its
 *   replay reaches the consumer again, which dead-letters the still-undecodable copy again (defined:
 *   a replay of bytes no consumer can read is a new dead letter, nothing else happens); a second
 *   replay is as harmless;
 * - a dead letter of a valid event (as @drops/kafka writes one when a handler failed) replayed twice
 *   notifies the buyer once: the consumer dedupes by event id;
 * - a buyer's order confirmation in the list and on the SSE stream, the token in ?access_token=,
 *   a wrong one 401, the token in none of the gateway's log lines;
 * - watch / unwatch; back in stock; one opening-soon notice for a watcher of a drop starting soon.
 */
import { randomBytes, randomUUID } from "node:crypto";
import t from "tap";
import { encodeEvent, newEnvelope } from "@drops/events";
import { createKafka, deadLetterMessage } from "@drops/kafka";
import { eventually, testEnv } from "@drops/testing";
import { api, mintBuyer, purchase, setUpDrop, sleepUntil, startStack } from "../src/index.ts";
import type { Api, Stack } from "../src/index.ts";

type DeadLetter = { id: string; topic: string; partition: number | null; offset: string | null; eventType: string | null; eventId: string | null; reason: string; error: string | null; consumerGroup: string | null; at: string };
type DeadLetterPage = { items: DeadLetter[]; total: number };
type Notification = { id: string; kind: string; orderId: string | null; dropId: string | null; title: string; body: string; readAt: string | null };
type NotificationPage = { items: Notification[]; total: number };

const LEAD_SECONDS = 60;

let stack: Stack;
let client: Api;
let adminToken: string;
const kafka = createKafka({ clientId: `e2e-dlq-${randomUUID().slice(0, 8)}`, brokers: testEnv.kafkaBrokers });
const producer = kafka.producer({ allowAutoTopicCreation: false });

t.before(async () => {
  stack = await startStack({
    env: {
      // debug: the gateway writes its per-request lines, so the test can check that no token is in them
      gateway: { LOG_LEVEL: "debug" },
      notification: { NOTIFY_OPENING_SOON_SECONDS: String(LEAD_SECONDS), OPENING_SOON_POLL_MS: "200" },
    },
  });
  client = api(stack.gatewayUrl);
  const login = await client.call<{ accessToken: string }>("POST", "/api/auth/login", { body: { email: "admin@drops.local", password: "admin-password-change-me" } });
  adminToken = login.body.accessToken;
  await producer.connect();
});

t.teardown(async () => {
  await producer.disconnect();
  await stack?.stop();
});

const deadLetters = async (query = ""): Promise<DeadLetterPage> => {
  const r = await client.call<DeadLetterPage>("GET", `/api/admin/dead-letters${query}`, { token: adminToken });
  if (r.status !== 200) throw new Error(`dead letters: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

const notifications = async (token: string): Promise<NotificationPage> => {
  const r = await client.call<NotificationPage>("GET", "/api/notifications", { token });
  if (r.status !== 200) throw new Error(`notifications: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

/** The committed offset of a consumer group on a partition (-1 when none). */
async function committed(groupId: string, topic: string, partition: number): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t0] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Number(t0?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
  } finally {
    await admin.disconnect();
  }
}

/** A live SSE connection through the gateway: its text so far, and a way to wait for a frame. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
  let text = "";
  const reading = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) text += decoder.decode(chunk as Uint8Array, { stream: true });
    } catch {
      // aborted
    }
  })();
  return {
    res,
    get text() {
      return text;
    },
    /** The parsed data of every `event: notification` frame so far. */
    frames: (): Notification[] =>
      text.split("\n\n").filter((f) => f.includes("event: notification")).map((f) => JSON.parse(f.split("\n").find((l) => l.startsWith("data: "))!.slice(6)) as Notification),
    close: async () => {
      abort.abort();
      await reading;
    },
  };
}

t.test("admin only: the dead-letter routes refuse everyone else, and bad input is a 4xx", async (t) => {
  const buyer = mintBuyer();
  t.equal((await client.call("GET", "/api/admin/dead-letters")).status, 401);
  t.equal((await client.call("GET", "/api/admin/dead-letters", { token: buyer.token })).status, 403);
  t.equal((await client.call("POST", "/api/admin/dead-letters/abc/replay", { token: buyer.token })).status, 403);
  const unknownTopic = await client.call<{ code: string }>("GET", "/api/admin/dead-letters?topic=drops.nope", { token: adminToken });
  t.equal(unknownTopic.status, 400, "unknown topic filter");
  t.equal(unknownTopic.body.code, "VALIDATION_FAILED");
  for (const id of ["***", Buffer.from("not/an/id").toString("base64url"), "x".repeat(401)]) {
    const r = await client.call<{ code: string }>("POST", `/api/admin/dead-letters/${id}/replay`, { token: adminToken });
    t.ok(r.status === 400 || r.status === 414, `bad id ${id.slice(0, 20)} -> ${r.status} ${r.body.code}`);
  }
  const nowhere = Buffer.from(`${stack.prefix}drops.orders.dlq/0/999999`).toString("base64url");
  const missing = await client.call<{ code: string }>("POST", `/api/admin/dead-letters/${nowhere}/replay`, { token: adminToken });
  t.equal(missing.status, 404);
  t.equal(missing.body.code, "DEAD_LETTER_NOT_FOUND");
});

t.test("a poison message is dead-lettered with its reason; each replay reaches the consumer and is dead-lettered again", async (t) => {
  const source = `${stack.prefix}drops.payments`; // the stack's own topic (this process has no KAFKA_TOPIC_PREFIX)
  const eventId = randomUUID();
  const poison = { key: randomUUID(), value: randomBytes(64), headers: {
    "event-type": "PaymentRequested", "event-version": "1", "event-id": eventId, "event-occurred-at": String(Date.now()), "correlation-id": eventId, "content-type": "application/avro",
  } };
  const [sent] = await producer.send({ topic: source, acks: -1, messages: [poison] });
  t.ok(sent, `sent to ${source}`);
  const at = { partition: sent!.partition, offset: sent!.baseOffset ?? "" };
  const ofCopy = (partition: number, offset: string) => (d: DeadLetter) => d.topic === "drops.payments" && d.partition === partition && d.offset === offset;

  const first = await eventually(async () => {
    const found = (await deadLetters("?topic=drops.payments")).items.filter(ofCopy(at.partition, at.offset));
    return found.length > 0 ? found : undefined;
  }, 20_000, 100);
  t.ok(first.length >= 1, `dead-lettered by ${first.map((d) => d.consumerGroup).join(", ")}`);
  for (const d of first) {
    t.match(d, { topic: "drops.payments", eventType: "PaymentRequested", eventId, reason: "BAD_PAYLOAD", error: /PaymentRequested v1/ });
    t.ok(Date.parse(d.at) > Date.now() - 60_000, "dead-lettered just now");
  }
  const groups = new Set(first.map((d) => d.consumerGroup));
  const total = (await deadLetters()).total;
  t.ok((await deadLetters("?topic=drops.orders")).items.every((d) => d.topic === "drops.orders"), "the filter keeps one topic");

  let expected = total;
  for (const round of [1, 2]) {
    const replay = await client.call<{ id: string; topic: string; partition: number; offset: string }>("POST", `/api/admin/dead-letters/${first[0]!.id}/replay`, { token: adminToken });
    t.equal(replay.status, 202, `replay ${round}: ${JSON.stringify(replay.body)}`);
    t.match(replay.body, { id: first[0]!.id, topic: "drops.payments", partition: at.partition });
    t.not(replay.body.offset, at.offset, "a new copy on the source topic, its original key's partition");
    const again = await eventually(async () => {
      const found = (await deadLetters("?topic=drops.payments")).items.filter(ofCopy(replay.body.partition, replay.body.offset));
      return found.length === groups.size ? found : undefined;
    }, 20_000, 100);
    t.same(new Set(again.map((d) => d.consumerGroup)), groups, `replay ${round} reached the same consumers`);
    for (const d of again) t.match(d, { reason: "BAD_PAYLOAD", eventId, eventType: "PaymentRequested" }, "the original bytes and headers, so the same failure");
    expected += groups.size;
    t.equal((await deadLetters()).total, expected, `replay ${round}: one new dead letter per consumer group, nothing else`);
  }
  t.equal((await client.call("GET", "/ready", {})).status, 200, "the platform carries on");
});

t.test("a replayed dead letter of a valid event reaches the consumer once: a second replay is deduped", async (t) => {
  const buyer = mintBuyer();
  const orderId = randomUUID();
  const event = newEnvelope({
    type: "OrderConfirmed", id: randomUUID(), now: Date.now(), correlationId: orderId,
    payload: { orderId, dropId: randomUUID(), buyerId: buyer.userId, quantity: 1, amountCents: 2500, paymentId: `pay_${orderId}` },
  });
  const encoded = encodeEvent(event);
  const source = `${stack.prefix}drops.orders`;
  // What @drops/kafka writes when the notification consumer's handler failed on every retry.
  const letter = deadLetterMessage(
    { key: Buffer.from(encoded.key), value: encoded.value, headers: encoded.headers, offset: "0", timestamp: String(Date.now()), attributes: 0 },
    { topic: source, partition: 0, groupId: `${stack.prefix}notification` },
    "HANDLER_FAILED",
    new Error("database unavailable"),
    new Date(),
  );
  await producer.send({ topic: `${source}.dlq`, acks: -1, messages: [letter] });
  const listed = await eventually(async () => (await deadLetters("?topic=drops.orders")).items.find((d) => d.eventId === event.eventId), 20_000, 100);
  t.match(listed, { reason: "HANDLER_FAILED", eventType: "OrderConfirmed", error: "Error: database unavailable", consumerGroup: `${stack.prefix}notification` });

  const stream = await openStream(`${stack.gatewayUrl}/api/notifications/stream?access_token=${encodeURIComponent(buyer.token)}`);
  t.teardown(() => stream.close());
  t.equal(stream.res.status, 200);
  for (const round of [1, 2]) {
    const replay = await client.call<{ partition: number; offset: string }>("POST", `/api/admin/dead-letters/${listed.id}/replay`, { token: adminToken });
    t.equal(replay.status, 202);
    // The notification consumer committed past the copy: it has handled it.
    await eventually(async () => (await committed(`${stack.prefix}notification`, source, replay.body.partition)) > Number(replay.body.offset), 20_000, 100);
    const page = await notifications(buyer.token);
    t.equal(page.total, 1, `after replay ${round}: one notification`);
    t.match(page.items[0], { kind: "order_confirmed", orderId });
  }
  await eventually(() => stream.frames().length >= 1, 10_000, 50);
  t.equal(stream.frames().length, 1, "pushed live once");
});

t.test("notifications through the gateway: the list, mark read, the SSE stream with ?access_token=, and the token never logged", async (t) => {
  const drop = await setUpDrop(client, { units: 5, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 1500 });
  const buyer = mintBuyer();
  const other = mintBuyer();

  const noToken = await client.call<{ code: string }>("GET", "/api/notifications/stream");
  t.equal(noToken.status, 401);
  const forged = `${buyer.token.slice(0, -4)}AAAA`;
  const wrong = await fetch(`${stack.gatewayUrl}/api/notifications/stream?access_token=${encodeURIComponent(forged)}`);
  t.equal(wrong.status, 401, "a wrong token");
  t.equal(((await wrong.json()) as { code: string }).code, "INVALID_TOKEN");
  t.equal((await client.call("GET", "/api/notifications/stream?access_token=x&extra=1")).status, 400, "unknown query parameters refused");
  t.equal((await client.call("GET", `/api/notifications?access_token=${encodeURIComponent(buyer.token)}`)).status, 400, "the query token is for SSE routes only");

  const viaQuery = await openStream(`${stack.gatewayUrl}/api/notifications/stream?access_token=${encodeURIComponent(buyer.token)}`);
  const viaHeader = await openStream(`${stack.gatewayUrl}/api/notifications/stream`, { authorization: `Bearer ${buyer.token}` });
  const others = await openStream(`${stack.gatewayUrl}/api/notifications/stream?access_token=${encodeURIComponent(other.token)}`);
  t.teardown(async () => Promise.all([viaQuery.close(), viaHeader.close(), others.close()]));
  t.equal(viaQuery.res.status, 200);
  t.match(viaQuery.res.headers.get("content-type"), /text\/event-stream/);
  await eventually(() => viaQuery.text.includes(": connected") && viaHeader.text.includes(": connected") && others.text.includes(": connected"), 10_000, 20);

  await sleepUntil(drop.startsAt);
  const bought = await purchase(client, drop.dropId, buyer);
  t.equal(bought.status, 201);
  const orderId = bought.body.orderId!;
  const pushed = await eventually(() => viaQuery.frames().find((n) => n.orderId === orderId), 30_000, 50);
  t.match(pushed, { kind: "order_confirmed", orderId, dropId: drop.dropId, readAt: null });
  await eventually(() => viaHeader.frames().some((n) => n.orderId === orderId), 10_000, 50);

  const page = await notifications(buyer.token);
  t.equal(page.total, 1);
  t.match(page.items[0], { id: pushed.id, kind: "order_confirmed", orderId });
  t.equal((await notifications(other.token)).total, 0, "another buyer's list is empty");
  t.equal(others.frames().length, 0, "and their stream got nothing");
  const steal = await client.call<{ code: string }>("POST", `/api/notifications/${pushed.id}/read`, { token: other.token });
  t.equal(steal.status, 404);
  t.equal(steal.body.code, "NOTIFICATION_NOT_FOUND");
  const read = await client.call<Notification>("POST", `/api/notifications/${pushed.id}/read`, { token: buyer.token });
  t.equal(read.status, 200);
  t.ok(read.body.readAt);
  t.equal((await client.call<NotificationPage>("GET", "/api/notifications?unread=true", { token: buyer.token })).body.total, 0);
  t.equal((await client.call("GET", "/api/notifications")).status, 401);

  await viaQuery.close();
  const gatewayLog = stack.instance("gateway").output.join("\n");
  t.match(gatewayLog, /\/api\/notifications\/stream\?access_token=\[redacted\]/, "the stream requests are in the log (debug), redacted");
  for (const token of [buyer.token, other.token, forged]) {
    t.notOk(gatewayLog.includes(token) || gatewayLog.includes(encodeURIComponent(token)), "no token in the gateway's output");
  }
  t.notOk(stack.instance("notification").output.join("\n").includes(buyer.token), "nor in the notification service's");
});

t.test("watch and unwatch: idempotent, an unknown drop 404, buyers only", async (t) => {
  const drop = await setUpDrop(client, { units: 5, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 3_600_000 });
  const buyer = mintBuyer();
  const path = `/api/drops/${drop.dropId}/watch`;
  const first = await client.call("POST", path, { token: buyer.token });
  t.equal(first.status, 200);
  t.same(first.body, { dropId: drop.dropId, watching: true, startsAt: drop.startsAt });
  t.same((await client.call("POST", path, { token: buyer.token })).body, first.body, "watching again: the same");
  t.equal((await client.call("DELETE", path, { token: buyer.token })).status, 204);
  t.equal((await client.call("DELETE", path, { token: buyer.token })).status, 204, "not watching: still 204");
  const unknown = await client.call<{ code: string }>("POST", `/api/drops/${randomUUID()}/watch`, { token: buyer.token });
  t.equal(unknown.status, 404);
  t.equal(unknown.body.code, "DROP_NOT_FOUND");
  t.equal((await client.call("DELETE", `/api/drops/${randomUUID()}/watch`, { token: buyer.token })).status, 404);
  t.equal((await client.call("POST", "/api/drops/not-a-uuid/watch", { token: buyer.token })).status, 400);
  t.equal((await client.call("POST", path)).status, 401);
});

t.test("back in stock: a watcher of a sold-out drop is told when a failed order returns its unit", async (t) => {
  const drop = await setUpDrop(client, { units: 1, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 1500 });
  const watcher = mintBuyer();
  t.equal((await client.call("POST", `/api/drops/${drop.dropId}/watch`, { token: watcher.token })).status, 200);
  await sleepUntil(drop.startsAt);
  const declined = await purchase(client, drop.dropId, mintBuyer(), { paymentMethod: "pm_card_declined" });
  t.equal(declined.status, 201, "the only unit held: sold out");
  const notice = await eventually(async () => (await notifications(watcher.token)).items.find((n) => n.kind === "back_in_stock"), 30_000, 100);
  t.match(notice, { dropId: drop.dropId, title: "Back in stock", body: /1 unit of drop .* is back on sale/ });
});

t.test("opening soon: one notice for a watcher of a drop starting within NOTIFY_OPENING_SOON_SECONDS", async (t) => {
  const drop = await setUpDrop(client, { units: 5, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 6_000 });
  const watcher = mintBuyer();
  const stream = await openStream(`${stack.gatewayUrl}/api/notifications/stream?access_token=${encodeURIComponent(watcher.token)}`);
  t.teardown(() => stream.close());
  t.equal((await client.call("POST", `/api/drops/${drop.dropId}/watch`, { token: watcher.token })).status, 200);
  const live = await eventually(() => stream.frames().find((n) => n.kind === "drop_opening_soon"), 10_000, 50);
  t.match(live, { dropId: drop.dropId, title: "Drop opening soon", body: /opens in \d+ seconds/ });
  t.equal((await client.call("POST", `/api/drops/${drop.dropId}/watch`, { token: watcher.token })).status, 200, "watching again");

  // Until the drop opens the worker runs every 200 ms over this watch: none of those rounds may send another.
  await sleepUntil(drop.startsAt);
  const mine = (await notifications(watcher.token)).items.filter((n) => n.kind === "drop_opening_soon");
  t.equal(mine.length, 1, "exactly one, whatever the rounds and re-watches");
  t.equal(stream.frames().filter((n) => n.kind === "drop_opening_soon").length, 1);
});

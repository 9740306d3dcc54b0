import { randomUUID } from "node:crypto";
import t from "tap";
import { openSse, type SseStream } from "@drops/testing/sse";
import type { StockChanged } from "@drops/events";
import { testEnvelope, testKafka, testPublisher, testTopic } from "@drops/kafka/testing";
import { createPurchaseStock } from "../../src/store/stock.ts";
import { purchaseStack } from "./stock-fixture.ts";

type StockData = { dropId: string; available: number; status: string };
type Stream = SseStream<StockData>;

/** Opens the SSE stream and collects its `stock` frames. */
const openStream = (url: string, lastEventId?: string): Promise<Stream> => openSse<StockData>(url, lastEventId === undefined ? {} : { lastEventId });

async function until<T>(fn: () => T | undefined, ms = 15_000, onRetry?: () => Promise<void>): Promise<T> {
  const deadline = Date.now() + ms;
  let next = Date.now();
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("timed out");
    if (onRetry && Date.now() >= next) {
      next = Date.now() + 1000;
      await onRetry();
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

t.test("stock stream: the first event at once, then each StockChanged of the drop from Kafka; closes with the app", async (t) => {
  const kafka = testKafka("gw_stream");
  const { topic } = await testTopic(t, kafka, "gw_stock_changes", 2);
  const { publish: send } = testPublisher(t, kafka);
  const s = await purchaseStack(t, { STOCK_TOPIC: topic, SSE_HEARTBEAT_MS: "200", SOLD_OUT_FLAG_MS: "60000" });
  await s.gw.workers.start();
  await s.gw.workers.joined;
  const base = await s.gateway.listen({ host: "127.0.0.1", port: 0 });

  const dropId = await s.drop({ units: 1, startsIn: 1 });
  const other = await s.drop({ units: 4 });
  const buy = await s.purchase(dropId, s.buyer().token);
  t.equal(buy.statusCode, 201);
  t.equal((await s.purchase(dropId, s.buyer().token)).json().code, "SOLD_OUT", "flagged sold out");
  const reserveCalls = s.gw.stats.reserveCalls;

  const stream = await openStream(`${base}/api/drops/${dropId}/stock/stream`);
  t.equal(stream.res.statusCode, 200);
  t.match(stream.res.headers["content-type"], /^text\/event-stream/);
  const first = await until(() => stream.frames[0], 2000);
  t.same({ event: first.event, data: first.data }, { event: "stock", data: { dropId, available: 0, status: "sold_out" } }, "the first event at once, from Redis");
  const versioned = await createPurchaseStock(s.redis, { prefix: s.prefix }).versionedSnapshot(dropId);
  t.equal(stream.frames[0]?.id, String(versioned?.seq), "the first event's id: the snapshot's seq");
  const unloaded = await s.drop({ units: 9, load: false });
  const fromCatalog = await openStream(`${base}/api/drops/${unloaded}/stock/stream`);
  t.same((await until(() => fromCatalog.frames[0], 2000)).data, { dropId: unloaded, available: 9, status: "scheduled" }, "not loaded: the catalog's figures");

  // the hold is released; the inventory's relay would publish this snapshot
  await s.store.release({ dropId, orderId: buy.json().orderId as string, reason: "PAYMENT_FAILED" });
  await new Promise((r) => setTimeout(r, 1000)); // past the catalog's start: "open", not "scheduled"
  let seq = versioned!.seq;
  const publish = async () => {
    seq++;
    for (const [id, available] of [[other, 3], [dropId, 1]] as const) {
      const payload: StockChanged = { dropId: id, available, held: 0, sold: 0, total: 1, status: "OPEN", seq };
      await send(topic, testEnvelope("StockChanged", payload), id);
    }
  };
  await publish();
  const update = await until(() => stream.frames[1], 15_000, publish);
  t.same({ event: update.event, data: update.data }, { event: "stock", data: { dropId, available: 1, status: "open" } }, "the release reaches the stream");
  t.ok(Number(stream.frames[1]?.id) > Number(stream.frames[0]?.id), "with a newer id");
  t.notOk(stream.frames.some((f) => f.data.dropId !== dropId), "only this drop's changes");
  t.ok(await until(() => (stream.comments.some((c) => c.includes("heartbeat")) ? true : undefined), 2000), "heartbeat comments keep the connection alive");

  const again = await s.purchase(dropId, s.buyer().token);
  t.equal(again.statusCode, 201, "the StockChanged cleared the sold-out flag");
  t.equal(s.gw.stats.reserveCalls, reserveCalls + 1);

  const gone = await openStream(`${base}/api/drops/${other}/stock/stream`);
  await until(() => gone.frames[0], 2000);
  gone.close();
  await gone.ended;
  t.equal((await s.call("GET", `/api/drops/${randomUUID()}/stock/stream`)).statusCode, 404, "an unknown drop");

  const started = Date.now();
  await s.gateway.close();
  await stream.ended;
  await fromCatalog.ended;
  t.ok(Date.now() - started < 5000, "the app closes promptly with streams open, ending them");
});

t.test("an upper-case drop id in the stream URL follows the same drop", async (t) => {
  const s = await purchaseStack(t, { SSE_HEARTBEAT_MS: "200" });
  const base = await s.gateway.listen({ host: "127.0.0.1", port: 0 });
  const dropId = await s.drop({ units: 3 });
  const stream = await openStream(`${base}/api/drops/${dropId.toUpperCase()}/stock/stream`);
  t.equal(stream.res.statusCode, 200);
  t.same((await until(() => stream.frames[0], 2000)).data, { dropId, available: 3, status: "scheduled" }, "the drop's own figures, under its canonical id");
  const seq = (await createPurchaseStock(s.redis, { prefix: s.prefix }).versionedSnapshot(dropId))!.seq;
  s.gw.feed.deliver({ dropId, available: 2, held: 1, sold: 0, total: 3, status: "OPEN", seq: seq + 1 });
  t.same((await until(() => stream.frames[1], 2000)).data, { dropId, available: 2, status: "scheduled" }, "the drop's changes reach the stream");
  stream.close();
  await stream.ended;
});

t.test("Last-Event-ID resume: the current snapshot at once only if newer than the client's id; forged ids resume nothing", async (t) => {
  const s = await purchaseStack(t, { SSE_HEARTBEAT_MS: "100", SSE_TICK_MS: "0" });
  const base = await s.gateway.listen({ host: "127.0.0.1", port: 0 });
  const dropId = await s.drop({ units: 3 });
  const url = `${base}/api/drops/${dropId}/stock/stream`;
  const first = await openStream(url);
  await until(() => first.frames[0], 2000);
  const id = first.frames[0]!.id!;
  t.match(id, /^\d+$/, "a numeric id");

  const upToDate = await openStream(url, id);
  await until(() => (upToDate.comments.some((c) => c.includes("heartbeat")) ? true : undefined), 2000);
  t.same(upToDate.frames, [], "the client has the current snapshot: nothing at once");
  const behind = await openStream(url, String(Number(id) - 1));
  t.same((await until(() => behind.frames[0], 2000)).data, { dropId, available: 3, status: "scheduled" }, "behind: the current snapshot at once");
  t.equal(behind.frames[0]?.id, id);
  const forged = await openStream(url, "not-a-number");
  t.equal((await until(() => forged.frames[0], 2000)).data.available, 3, "a forged id is no id: the current snapshot");
  const future = await openStream(url, "9007199254740000");
  await until(() => (future.comments.some((c) => c.includes("heartbeat")) ? true : undefined), 2000);
  t.same(future.frames, [], "an id claimed from the future: nothing at once");

  s.gw.feed.deliver({ dropId, available: 2, held: 1, sold: 0, total: 3, status: "OPEN", seq: Number(id) + 1 });
  for (const st of [first, upToDate, behind, forged, future]) {
    const last = await until(() => (st.frames.some((f) => f.id === String(Number(id) + 1)) ? st.frames.at(-1) : undefined), 2000);
    t.equal(last.data.available, 2, "every stream follows the next change, the future-id one too");
  }
  s.gw.feed.deliver({ dropId, available: 1, held: 2, sold: 0, total: 3, status: "OPEN", seq: Number(id) });
  const resumed = await openStream(url, String(Number(id) + 1));
  await until(() => (resumed.comments.some((c) => c.includes("heartbeat")) ? true : undefined), 2000);
  t.same(resumed.frames, [], "Kafka's latest (a stale change ignored) is what the client has: nothing");
  for (const st of [first, upToDate, behind, forged, future, resumed]) st.close();
});

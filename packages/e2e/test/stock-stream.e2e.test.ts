/**
 * The live stock stream on two gateway instances of the whole platform: a purchase on one reaches
 * the watchers of both (each instance consumes the stock topic itself), every event carries the
 * snapshot's seq as `id:`, and a reconnect with `Last-Event-ID` gets the current snapshot at once
 * only if it is newer than that id.
 */
import t from "tap";
import { eventually } from "@drops/testing";
import { openSse, type SseStream } from "@drops/testing/sse";
import { api, mintBuyer, purchase, setUpDrop, sleepUntil, startStack, type Stack } from "../src/index.ts";

type StockData = { dropId: string; available: number; status: string };

/** A watcher of the stream (what EventSource does), collecting `stock` frames and heartbeats. */
const watch = (base: string, dropId: string, lastEventId?: string): Promise<SseStream<StockData>> =>
  openSse<StockData>(`${base}/api/drops/${dropId}/stock/stream`, lastEventId ? { lastEventId } : {});

const heartbeats = (w: SseStream<StockData>): number => w.comments.filter((c) => c.startsWith(": heartbeat")).length;

let stack: Stack;
t.before(async () => {
  stack = await startStack({ instances: { gateway: 2 }, env: { gateway: { SSE_HEARTBEAT_MS: "200", SSE_TICK_MS: "50" } } });
});
t.teardown(async () => {
  await stack?.stop();
});

t.test("two gateways both stream a purchase; Last-Event-ID resumes with the current snapshot only if newer", async (t) => {
  const [a, b] = [stack.instance("gateway", 0).url, stack.instance("gateway", 1).url];
  const drop = await setUpDrop(api(a), { units: 3, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 2500 });
  await sleepUntil(drop.startsAt, 300);
  const onA = await watch(a, drop.dropId);
  const onB = await watch(b, drop.dropId);
  const first = await eventually(async () => onB.frames[0], 10_000, 20);
  t.same(first.data, { dropId: drop.dropId, available: 3, status: "open" }, "the first event at once");
  t.match(first.id, /^\d+$/, "with the snapshot's seq as its id");

  t.equal((await purchase(api(a), drop.dropId, mintBuyer())).status, 201, "a purchase on gateway A");
  for (const [name, w] of [["A", onA], ["B", onB]] as const) {
    const seen = await eventually(async () => w.frames.find((f) => f.data.available === 2), 15_000, 20);
    t.ok(Number(seen.id) > Number(first.id), `gateway ${name} streams it, with a newer id`);
  }

  const current = onB.frames.at(-1)!;
  const resumed = await watch(b, drop.dropId, current.id);
  await eventually(async () => (heartbeats(resumed) > 0 ? true : undefined), 5000, 20);
  t.same(resumed.frames, [], "resumed with the current id: nothing at once");
  const behind = await watch(a, drop.dropId, first.id);
  const caughtUp = await eventually(async () => behind.frames[0], 5000, 20);
  t.equal(caughtUp.data.available, 2, "resumed with an older id: the current snapshot at once");
  t.ok(Number(caughtUp.id) > Number(first.id));

  t.equal((await purchase(api(b), drop.dropId, mintBuyer())).status, 201, "a purchase on gateway B");
  const next = await eventually(async () => resumed.frames.find((f) => f.data.available === 1), 15_000, 20);
  t.ok(Number(next.id) > Number(current.id), "the resumed stream follows the next change");
  for (const w of [onA, onB, resumed, behind]) w.close();
});

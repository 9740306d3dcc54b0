/**
 * Fault suite, Kafka: the broker (a scratch one of this test's own, scripts/infra.sh on a free port)
 * killed with -9 mid-drop while purchases and sagas are in flight, then restarted. Purchases keep
 * being answered (the reservation needs only Redis; the stream is the outbox), the outbox and the
 * stream relay wait for the broker, and every accepted order ends confirmed: none cancelled by a
 * payment deadline while the consumers reconnect and rebalance, none lost, none applied twice.
 */
import { setTimeout as sleep } from "node:timers/promises";
import t from "tap";
import { acceptedOf, api, expectAllConfirmed, FAULT_ENV, faultBuyers, setUpDrop, sleepUntil, startScratchInfra, startStack, statusCounts, wave } from "../../src/index.ts";
import type { Api, ScratchInfra, Stack } from "../../src/index.ts";

t.setTimeout(600_000);

let scratch: ScratchInfra;
let stack: Stack;
let client: Api;

t.before(async () => {
  scratch = await startScratchInfra({ kafka: true });
  stack = await startStack({ instances: { order: 2 }, env: FAULT_ENV, infra: scratch.infra });
  client = api(stack.gatewayUrl);
});

t.teardown(async () => {
  await stack?.stop().catch(() => undefined);
  await scratch?.stop();
});

t.test("the Kafka broker killed (-9) mid-drop and restarted: purchases answered, every accepted order confirmed", async (t) => {
  const units = 30;
  const started = Date.now();
  const drop = await setUpDrop(client, { units, perBuyerLimit: 1, holdSeconds: 180, startsInMs: 1500 });
  await sleepUntil(drop.startsAt);
  const [before, during, after] = [faultBuyers(15), faultBuyers(15), faultBuyers(10)];
  const first = await wave(client, drop.dropId, before);
  const inFlight = wave(client, drop.dropId, during, 10);
  await sleep(200);
  const down = Date.now();
  await scratch.killKafka();
  const second = await inFlight;
  await sleep(3_000);
  await scratch.startKafka();
  t.comment(`broker down for ${Date.now() - down} ms (kill -9 to listening again)`);
  const third = await wave(client, drop.dropId, after);
  const all = [...first, ...second, ...third];
  t.comment(`answers: ${JSON.stringify(statusCounts(all))}`);
  t.equal(all.filter((a) => a.reply === null || a.reply.status >= 500).length, 0, "every purchase answered while the broker was down, no 5xx");
  const out = await expectAllConfirmed(t, stack, client, drop, acceptedOf(all), units, started);
  t.comment(`Kafka broker kill -9 + restart: ${JSON.stringify(out)}`);
});

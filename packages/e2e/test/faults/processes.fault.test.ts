/**
 * Fault suite, processes: each fault injected during a running drop with purchases in flight, on a
 * stack of two gateways, two order instances and one inventory: kill -9 of an order instance (then
 * restarted), kill -9 of the inventory (then restarted), kill -9 of one gateway of two (the other
 * keeps answering; a retry with the same Idempotency-Key gets the same answer). (SIGSTOP of an order
 * instance is sigstop.fault.test.ts.) Every case ends with every
 * accepted order confirmed (all pay with pm_card_ok: none cancelled), sold == confirmed, and the
 * stock consistent in Redis, the ledger and the reconciliation command. Runs on the shared
 * infrastructure (it kills only the stack's own processes).
 */
import { setTimeout as sleep } from "node:timers/promises";
import t from "tap";
import { acceptedOf, api, attempt, expectAllConfirmed, FAULT_UNITS, faultBuyers, openFaultDrop, startDrillStack, statusCounts, wave, waveDrill } from "../../src/index.ts";
import type { Api, Stack } from "../../src/index.ts";

t.setTimeout(600_000);

let stack: Stack;
let client: Api;

t.before(async () => {
  ({ stack, client } = await startDrillStack());
});

t.teardown(async () => {
  await stack?.stop();
});

const UNITS = FAULT_UNITS;

t.test("kill -9 of an order instance mid-drop, restarted: nothing lost, none cancelled", async (t) => {
  await waveDrill(t, stack, client, {
    label: "kill -9 order",
    why: "the order service is not on the purchase path",
    outageMs: 1000,
    inject: () => stack.kill("order", 0, "SIGKILL"),
    heal: () => stack.start("order", 0),
  });
});

t.test("kill -9 of the inventory mid-drop, restarted: nothing lost, none cancelled", async (t) => {
  await waveDrill(t, stack, client, {
    label: "kill -9 inventory",
    why: "the reservation runs in the gateway, on Redis",
    outageMs: 1000,
    inject: () => stack.kill("inventory", 0, "SIGKILL"),
    heal: () => stack.start("inventory", 0),
  });
});

t.test("kill -9 of one gateway of two: the other keeps answering, a retry with the same key gets the same answer", async (t) => {
  const started = Date.now();
  const drop = await openFaultDrop(client);
  const g0 = api(stack.instance("gateway", 0).url);
  const g1 = api(stack.instance("gateway", 1).url);
  const buyers = faultBuyers(40);
  // Half the buyers on each gateway, the doomed one killed while its requests are in flight.
  const onG0 = wave(g0, drop.dropId, buyers.slice(0, 20), 40);
  const onG1 = wave(g1, drop.dropId, buyers.slice(20, 30), 20);
  await sleep(250);
  await stack.kill("gateway", 0, "SIGKILL");
  const [first0, first1] = await Promise.all([onG0, onG1]);
  t.ok(first0.some((a) => a.reply === null), `some requests to the killed gateway got no answer (${JSON.stringify(statusCounts(first0))})`);
  t.same(first1.filter((a) => a.reply === null || a.reply.status >= 500).length, 0, "the other gateway answered all of its own");
  // Every buyer of the killed gateway retries on the other with the same Idempotency-Key.
  const retried = await Promise.all(first0.map((a) => attempt(g1, drop.dropId, a.buyer)));
  t.same(retried.filter((a) => a.reply === null || a.reply.status >= 500).length, 0, "every retry answered by the surviving gateway");
  const same = first0.flatMap((a, i) => (a.reply?.status === 201 ? [[a.reply.body.orderId, retried[i]!.reply?.body.orderId, retried[i]!.reply?.status]] : []));
  t.ok(same.length > 0, `${same.length} buyers answered before the kill`);
  t.same(same.filter(([a, b, status]) => a !== b || status !== 201), [], "the retry of an accepted purchase answers the same order (201, same orderId)");
  const rest = await wave(g1, drop.dropId, buyers.slice(30), 20);
  await stack.start("gateway", 0);
  const all = [...retried, ...first1, ...rest];
  t.comment(`answers after retries: ${JSON.stringify(statusCounts(all))}`);
  const out = await expectAllConfirmed(t, stack, g1, drop, acceptedOf(all), UNITS, started);
  t.comment(`kill -9 gateway: ${JSON.stringify(out)}`);
});

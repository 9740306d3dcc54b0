/**
 * Fault suite, Redis: the stock Redis (a scratch one of this test's own, no persistence) killed with
 * -9 mid-drop and restarted empty, as after a crash. While it is down purchases fail closed with
 * 503 UNAVAILABLE (never a hold Redis did not grant, nothing oversold); once it is back, the admin
 * resync from the ledger (`POST /api/admin/drops/:id/resync`) restores the exact stock and holds, and
 * the drop sells on: every accepted order confirmed, sold == confirmed, Redis and the ledger agree.
 */
import { setTimeout as sleep } from "node:timers/promises";
import t from "tap";
import { eventually } from "@drops/testing";
import { acceptedOf, api, attempt, expectAllConfirmed, FAULT_ENV, faultBuyers, setUpDrop, sleepUntil, startScratchInfra, startStack, statusCounts, wave } from "../../src/index.ts";
import type { Api, ScratchInfra, Stack } from "../../src/index.ts";

t.setTimeout(600_000);

let scratch: ScratchInfra;
let stack: Stack;
let client: Api;

t.before(async () => {
  scratch = await startScratchInfra({ redis: true });
  stack = await startStack({ instances: { order: 2 }, env: FAULT_ENV, infra: scratch.infra });
  client = api(stack.gatewayUrl);
});

t.teardown(async () => {
  await stack?.stop().catch(() => undefined);
  await scratch?.stop();
});

type Resync = { status: string; available: number; held: number; sold: number; total: number; holds: number };

t.test("Redis killed and restarted empty mid-drop: 503 while down, nothing oversold, the resync from the ledger restores stock and holds, the drop sells on", async (t) => {
  const units = 30;
  const started = Date.now();
  const drop = await setUpDrop(client, { units, perBuyerLimit: 1, holdSeconds: 180, startsInMs: 1500 });
  await sleepUntil(drop.startsAt);
  const [before, during, whileDown, after] = [faultBuyers(12), faultBuyers(10), faultBuyers(5), faultBuyers(20)];
  const first = await wave(client, drop.dropId, before);
  const inFlight = wave(client, drop.dropId, during, 20);
  await sleep(200);
  await scratch.killRedis();
  const second = await inFlight;
  const down = await wave(client, drop.dropId, whileDown);
  t.same(down.map((a) => [a.reply?.status, a.reply?.body.code]), down.map(() => [503, "UNAVAILABLE"]), "while Redis is down every purchase fails closed: 503 UNAVAILABLE");
  const stockDown = await client.call("GET", `/api/admin/drops/${drop.dropId}/stock`, { token: drop.adminToken });
  t.ok(stockDown.status === 503, `the admin stock view is 503 too (${stockDown.status})`);

  await scratch.startRedis();
  const emptyAnswer = await attempt(client, drop.dropId, faultBuyers(1)[0]!);
  t.comment(`a purchase against the empty Redis, before the resync: ${emptyAnswer.reply?.status} ${String(emptyAnswer.reply?.body.code ?? "")}`);
  t.ok(emptyAnswer.reply !== null && emptyAnswer.reply.status !== 201 && emptyAnswer.reply.status < 500 || emptyAnswer.reply?.status === 503, "no hold is granted from an empty Redis");

  const resync = await eventually(async () => {
    const r = await client.call<Resync>("POST", `/api/admin/drops/${drop.dropId}/resync`, { token: drop.adminToken });
    return r.status === 200 ? r.body : undefined;
  }, 30_000, 250);
  const acceptedSoFar = acceptedOf([...first, ...second]).length;
  t.comment(`resync: ${JSON.stringify(resync)}; ${acceptedSoFar} accepted before the crash`);
  t.equal(resync.total, units, "the resync restores the drop's units");
  t.equal(resync.held + resync.sold, acceptedSoFar, "every hold or sale accepted before the crash is restored from the ledger (none lost, none invented)");
  t.equal(resync.available, units - acceptedSoFar, "exact stock");

  const third = await wave(client, drop.dropId, after);
  t.ok(acceptedOf(third).length > 0, "the drop sells on after the resync");
  const all = [...first, ...second, ...down, ...third];
  t.comment(`answers: ${JSON.stringify(statusCounts(all))}`);
  const accepted = acceptedOf(all);
  t.ok(accepted.length <= units, `nothing oversold (${accepted.length} of ${units} accepted)`);
  const out = await expectAllConfirmed(t, stack, client, drop, accepted, units, started);
  t.comment(`Redis kill -9, restart empty, resync: ${JSON.stringify(out)}`);
});

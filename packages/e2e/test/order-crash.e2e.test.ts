/**
 * The BRIEF's crash scenario: kill -9 of the order service mid-drop, then restart. Every accepted
 * order must end in a final state with its stock accounted for, the stock invariant must hold in
 * Redis and in the ledger, and no event may be lost or applied twice (sold == confirmed orders).
 */
import t from "tap";
import { api, killOrderServiceMidSaga, ORDER_CRASH_ENV, mintBuyer, purchase, runScript, settledStock, setUpDrop, sleepUntil, startStack, waitAllFinal } from "../src/index.ts";
import type { Stack } from "../src/index.ts";


let stack: Stack;

t.before(async () => {
  stack = await startStack({ env: { order: { ...ORDER_CRASH_ENV } } });
});

t.teardown(async () => {
  await stack?.stop();
});

t.test("kill -9 of the order service mid-drop, then restart: every accepted order ends final, stock consistent", async (t) => {
  const client = api(stack.gatewayUrl);
  const units = 60;
  const drop = await setUpDrop(client, { units, perBuyerLimit: 1, holdSeconds: 120, startsInMs: 1500 });
  await sleepUntil(drop.startsAt);

  const buyers = Array.from({ length: 200 }, mintBuyer);
  const replies = await Promise.all(buyers.map((b) => purchase(client, drop.dropId, b)));
  t.equal(replies.filter((r) => r.status >= 500).length, 0, "no 5xx");
  const winners = replies.flatMap((r, i) => (r.status === 201 ? [{ buyer: buyers[i]!, orderId: r.body.orderId! }] : []));
  t.equal(winners.length, units, "every unit held once");

  const confirmedBefore = await killOrderServiceMidSaga(stack, client, winners);
  t.ok(confirmedBefore >= 1 && confirmedBefore < units, `killed mid-saga: ${confirmedBefore} of ${units} confirmed just before the kill`);

  const statuses = await waitAllFinal(stack, client, winners);
  const confirmed = statuses.filter((s) => s === "confirmed").length;
  t.comment(`after the crash: ${confirmed} confirmed, ${statuses.length - confirmed} ended otherwise (${[...new Set(statuses)].join(", ")})`);
  // Every buyer paid with pm_card_ok: the crash is our side's outage, never the provider's silence, so
  // no payment deadline may run out over it (the charge's deadline starts when it is sent; an
  // interrupted charge is resumed, not timed out).
  t.same(statuses.filter((s) => s === "cancelled"), [], "no order paid with pm_card_ok ends cancelled");
  t.equal(confirmed, statuses.length, "every accepted order confirmed");

  const stock = await settledStock(client, drop.adminToken, drop.dropId);
  t.equal(stock.sold, confirmed, "sold units == confirmed orders (nothing lost, nothing applied twice)");
  t.equal(stock.available, units - confirmed, "every order that did not confirm returned its unit");
  t.equal(stock.available + stock.held + stock.sold, stock.total);

  const rec = await runScript("scripts/reconcile.ts", [drop.dropId], stack.envFor("inventory"));
  t.equal(rec.code, 0, rec.output);
});

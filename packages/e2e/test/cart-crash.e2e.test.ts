/**
 * Kill -9 of the order service in the middle of 100 multi-line checkouts, then restart: every order
 * ends final, every line of every order is accounted for exactly once (sold == the confirmed
 * orders' units per product), and each product's stock is consistent in Redis and in the ledger.
 */
import t from "tap";
import { api, checkout, createProduct, killOrderServiceMidSaga, ORDER_CRASH_ENV, mintBuyer, runScript, setCartLine, settledStock, setUpSeller, startStack, waitAllFinal } from "../src/index.ts";
import type { Stack } from "../src/index.ts";

const CHECKOUTS = 100;
const LINES = 3;

let stack: Stack;

t.before(async () => {
  stack = await startStack({ env: { order: { ...ORDER_CRASH_ENV } } });
});

t.teardown(async () => {
  await stack?.stop();
});

t.test("kill -9 of the order service mid-checkouts, then restart: every cart order final, every product consistent", async (t) => {
  const client = api(stack.gatewayUrl);
  const seller = await setUpSeller(client);
  const products = await Promise.all(Array.from({ length: LINES }, () => createProduct(client, seller, { stock: CHECKOUTS })));
  const buyers = Array.from({ length: CHECKOUTS }, mintBuyer);
  await Promise.all(buyers.map(async (b) => {
    for (const p of products) await setCartLine(client, b, p, 1);
  }));

  const replies = await Promise.all(buyers.map((b) => checkout(client, b)));
  const refused = replies.filter((r) => r.status !== 201).map((r) => `${r.status} ${JSON.stringify(r.body)}`);
  t.same([...new Set(refused)], [], "every checkout held");
  const orders = replies.map((r, i) => ({ buyer: buyers[i]!, orderId: r.body.orderId! }));

  const confirmedBefore = await killOrderServiceMidSaga(stack, client, orders);
  t.ok(confirmedBefore >= 1 && confirmedBefore < CHECKOUTS, `killed mid-saga: ${confirmedBefore} of ${CHECKOUTS} confirmed just before the kill`);

  const statuses = await waitAllFinal(stack, client, orders);
  const confirmed = statuses.filter((s) => s === "confirmed").length;
  t.comment(`after the crash: ${confirmed} confirmed, ${statuses.length - confirmed} ended otherwise (${[...new Set(statuses)].join(", ")})`);
  // Every buyer paid with pm_card_ok: the crash is our side's outage, never the provider's silence, so
  // no payment deadline may run out over it (the charge's deadline starts when it is sent; an
  // interrupted charge is resumed, not timed out).
  t.same(statuses.filter((s) => s === "cancelled"), [], "no order paid with pm_card_ok ends cancelled");
  t.equal(confirmed, statuses.length, "every accepted order confirmed");

  for (const p of products) {
    const stock = await settledStock(client, seller.adminToken, p);
    t.equal(stock.sold, confirmed, "sold == confirmed orders (no line lost or applied twice)");
    t.equal(stock.available + stock.sold, CHECKOUTS, "every line of an order that did not confirm came back");
  }
  const rec = await runScript("scripts/reconcile.ts", products, stack.envFor("inventory"));
  t.equal(rec.code, 0, rec.output);
});

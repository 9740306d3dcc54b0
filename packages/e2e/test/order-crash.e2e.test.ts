/**
 * The BRIEF's crash scenario: kill -9 of the order service mid-drop, then restart. Every accepted
 * order must end in a final state with its stock accounted for, the stock invariant must hold in
 * Redis and in the ledger, and no event may be lost or applied twice (sold == confirmed orders).
 */
import t from "tap";
import { eventually } from "@drops/testing";
import { api, mintBuyer, purchase, runScript, setUpDrop, sleepUntil, startStack } from "../src/index.ts";
import type { Stack } from "../src/index.ts";

const FINAL = new Set(["confirmed", "cancelled", "expired", "refunded"]);

let stack: Stack;

t.before(async () => {
  stack = await startStack({
    // One order instance, so the kill takes the whole saga down. A short Kafka session timeout lets
    // the restarted instance take the dead member's partitions without waiting the default 30 s.
    // Six charges at a time (of 100 ms each) keep the 60 orders spread over about a second, so the
    // kill lands mid-saga (with the default 256 charge slots they would all confirm at once).
    env: { order: { CONSUMER_SESSION_TIMEOUT_MS: "6000", PAYMENT_TIMEOUT_MS: "8000", PAYMENT_LATENCY_MS: "100", PAYMENT_CONCURRENCY: "6" } },
  });
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

  const statusOf = async (w: (typeof winners)[number]): Promise<string> => {
    const r = await client.call<{ status: string }>("GET", `/api/orders/${w.orderId}`, { token: w.buyer.token });
    return r.status === 200 ? r.body.status : `http ${r.status}`;
  };
  // Kill as soon as the saga has confirmed a first order: the rest are somewhere in flight
  // (payments take 100 ms each, six partitions at a time).
  await eventually(async () => (await Promise.all(winners.slice(0, 10).map(statusOf))).includes("confirmed"), 30_000, 20);
  const beforeKill = await Promise.all(winners.map(statusOf));
  await stack.kill("order", 0, "SIGKILL");
  const confirmedBefore = beforeKill.filter((s) => s === "confirmed").length;
  t.ok(confirmedBefore >= 1 && confirmedBefore < units, `killed mid-saga: ${confirmedBefore} of ${units} confirmed just before the kill`);

  await new Promise((r) => setTimeout(r, 1000));
  await stack.start("order", 0);

  const statuses = await eventually(async () => {
    const all = await Promise.all(winners.map(statusOf));
    return all.every((s) => FINAL.has(s)) ? all : undefined;
  }, 90_000, 500).catch((err: unknown) => {
    throw new Error(`orders did not all end: ${(err as Error).message}\n${stack.logs()}`);
  });
  const confirmed = statuses.filter((s) => s === "confirmed").length;
  t.comment(`after the crash: ${confirmed} confirmed, ${statuses.length - confirmed} ended otherwise (${[...new Set(statuses)].join(", ")})`);

  const stock = await eventually(async () => {
    const r = await client.call<{ available: number; held: number; sold: number; total: number; consistent: boolean }>(
      "GET", `/api/admin/drops/${drop.dropId}/stock`, { token: drop.adminToken },
    );
    return r.status === 200 && r.body.held === 0 && r.body.consistent ? r.body : undefined;
  }, 20_000);
  t.equal(stock.sold, confirmed, "sold units == confirmed orders (nothing lost, nothing applied twice)");
  t.equal(stock.available, units - confirmed, "every order that did not confirm returned its unit");
  t.equal(stock.available + stock.held + stock.sold, stock.total);

  const rec = await runScript("scripts/reconcile.ts", [drop.dropId], stack.envFor("inventory"));
  t.equal(rec.code, 0, rec.output);
});

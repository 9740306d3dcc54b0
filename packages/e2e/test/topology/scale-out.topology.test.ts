/**
 * Issue 14: three of every service behind a real HAProxy (packages/e2e/src/balancer.ts, the
 * configuration scripts/up.sh renders with INSTANCES=3). 300 buyers race for 100 units through the
 * balancer: exactly 100 sold, every accepted order confirmed, the stock consistent in Redis, the
 * ledger and the reconciliation command; HAProxy spread the purchases over the three gateways and
 * every instance of every service is in rotation. On a PostgreSQL of its own (scratch-infra.ts).
 */
import t from "tap";
import { acceptedOf, api, expectAllConfirmed, faultBuyers, setUpDrop, sleepUntil, startBalancedStack, startScratchInfra, statusCounts, wave, SERVICES } from "../../src/index.ts";
import type { Api, Balancer, ScratchInfra, Stack } from "../../src/index.ts";

t.setTimeout(600_000);

let scratch: ScratchInfra;
let stack: Stack;
let balancer: Balancer;
let client: Api;

t.before(async () => {
  const started = Date.now();
  // A PostgreSQL of its own: twelve processes' pools (four services with a database, three each)
  // beside the other tests' would pass the shared instance's max_connections (100).
  scratch = await startScratchInfra({ postgres: true });
  ({ stack, balancer } = await startBalancedStack({
    infra: scratch.infra,
    instances: { catalog: 3, inventory: 3, order: 3, notification: 3, cart: 3, gateway: 3 },
    readyTimeoutMs: 180_000,
    env: { order: { PAYMENT_LATENCY_MS: "50", PAYMENT_DECLINE_RATE: "0" } },
  }));
  client = api(balancer.url("gateway"));
  t.comment(`18 processes and HAProxy ready in ${Date.now() - started} ms`);
});

t.teardown(async () => {
  await stack?.stop();
  await balancer?.stop();
  await scratch?.stop();
});

t.test("every instance of every service is in rotation behind the balancer", async (t) => {
  for (const service of SERVICES) for (const i of [0, 1, 2]) await balancer.waitState(service, i, "UP", 60_000);
  const states = await balancer.states();
  t.equal(Object.keys(states).length, 18, "18 instances known to HAProxy");
  t.same(Object.entries(states).filter(([, s]) => s !== "UP"), [], "all UP");
});

t.test("300 buyers for 100 units through the balancer: exactly 100 sold, all confirmed, consistent", async (t) => {
  const started = Date.now();
  const units = 100;
  const drop = await setUpDrop(client, { units, perBuyerLimit: 1, holdSeconds: 300, startsInMs: 2000 });
  await sleepUntil(drop.startsAt);
  const buyers = faultBuyers(300);
  const before = await balancer.answered("gateway");
  const raced = Date.now();
  const attempts = await wave(client, drop.dropId, buyers, 300);
  t.comment(`300 purchases answered in ${Date.now() - raced} ms: ${JSON.stringify(statusCounts(attempts))}`);
  t.same(attempts.filter((a) => a.reply === null || a.reply.status >= 500).map((a) => a.error ?? a.reply?.status), [], "every purchase answered through the balancer, no 5xx");
  if (attempts.some((a) => a.reply === null || a.reply.status >= 500)) t.comment(`haproxy: ${balancer.output.slice(-40).join("\n")}`);
  const accepted = acceptedOf(attempts);
  t.equal(accepted.length, units, "exactly 100 accepted");
  t.equal(attempts.filter((a) => a.reply?.status === 409 && a.reply.body.code === "SOLD_OUT").length, 200, "the other 200 SOLD_OUT");
  const spread = (await balancer.answered("gateway")).map((n, i) => n - before[i]!);
  t.comment(`purchases per gateway: ${JSON.stringify(spread)}`);
  t.ok(spread.every((n) => n > 0), "HAProxy sent purchases to each of the three gateways");
  const out = await expectAllConfirmed(t, stack, client, drop, accepted, units, started);
  t.equal(out.sold, units, "100 sold");
  t.comment(`scale-out: ${JSON.stringify(out)}`);
});

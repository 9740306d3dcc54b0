/**
 * Issue 14: a rolling restart of every service, one instance at a time, during a running drop, with
 * three of every service behind a real HAProxy (packages/e2e/src/balancer.ts). Each instance gets a
 * SIGTERM (it drains: /ready false while it still serves, then its consumers finish, commit and leave
 * their groups, its loops release their locks and leases, its server finishes what it holds), exits
 * on its own, and its replacement must be ready and back in HAProxy's rotation before the next
 * instance goes. Throughout, buyers purchase and read their orders, carts, notifications and the drop
 * through the balancer: not one request may go unanswered or get a 5xx, every accepted order ends
 * confirmed, sold == confirmed, and the stock reconciles. On a PostgreSQL of its own (scratch-infra.ts).
 * In the fault tier (one file at a time, longer timeout): 18 restarts take 4 to 14 minutes here.
 */
import { setTimeout as sleep } from "node:timers/promises";
import t from "tap";
import { acceptedOf, api, attempt, expectAllConfirmed, faultBuyers, setUpDrop, sleepUntil, startBalancedStack, startScratchInfra, statusCounts, SERVICES } from "../../src/index.ts";
import type { Api, Attempt, Balancer, FaultBuyer, ScratchInfra, Stack } from "../../src/index.ts";

t.setTimeout(1_500_000);

let scratch: ScratchInfra;
let stack: Stack;
let balancer: Balancer;
let client: Api;

t.before(async () => {
  scratch = await startScratchInfra({ postgres: true });
  ({ stack, balancer } = await startBalancedStack({
    infra: scratch.infra,
    instances: { catalog: 3, inventory: 3, order: 3, notification: 3, cart: 3, gateway: 3 },
    readyTimeoutMs: 180_000,
    env: { order: { PAYMENT_LATENCY_MS: "50", PAYMENT_DECLINE_RATE: "0", CONSUMER_SESSION_TIMEOUT_MS: "10000" } },
  }));
  client = api(balancer.url("gateway"));
  for (const service of SERVICES) for (const i of [0, 1, 2]) await balancer.waitState(service, i, "UP", 60_000);
});

t.teardown(async () => {
  await stack?.stop();
  await balancer?.stop();
  await scratch?.stop();
});

/** A read a buyer makes through the balancer, and what it got (null: no answer at all), and during which restart step it ran. */
type Read = { what: string; status: number | null; error?: string; during: string };

/** The restart step under way ("order#1 stopping", "order#1 starting", "order#1 rejoining"), for the failures' diagnosis. */
let phase = "before the restarts";

t.test("rolling restart of all 18 instances mid-drop: 0 errors seen by buyers, 0 lost, consistent", async (t) => {
  const started = Date.now();
  const units = 2_000;
  const drop = await setUpDrop(client, { units, perBuyerLimit: 1, holdSeconds: 900, startsInMs: 2_000 });
  await sleepUntil(drop.startsAt);

  // Buyers: 3 purchases a second for as long as the restart lasts; a few reads a second beside them.
  const buyers: FaultBuyer[] = [];
  const purchases: Promise<Attempt>[] = [];
  const placed: Attempt[] = [];
  const during = new Map<Attempt, string>();
  const reads: Promise<Read>[] = [];
  let running = true;
  const buying = (async () => {
    while (running && buyers.length < units) {
      const [b] = faultBuyers(1);
      buyers.push(b!);
      const at = phase;
      const sent = Date.now();
      purchases.push(attempt(client, drop.dropId, b!).then((a) => {
        if (a.reply?.status === 201) placed.push(a);
        else during.set(a, `${at} -> ${phase}, ${Date.now() - sent} ms`);
        return a;
      }));
      await sleep(333);
    }
  })();
  const read = (what: string, path: string, token: string): Promise<Read> => {
    const at = phase;
    const sent = Date.now();
    const when = (): string => `${at} -> ${phase}, ${Date.now() - sent} ms`;
    return client.call("GET", path, { token }).then(
      (r) => ({ what, status: r.status, during: when(), ...(r.status >= 400 ? { error: JSON.stringify(r.body).slice(0, 160) } : {}) }),
      (err: unknown) => ({ what, status: null, error: String((err as Error).cause ?? err), during: when() }),
    );
  };
  const reading = (async () => {
    while (running) {
      const b = buyers.at(-1);
      if (b) {
        const last = placed.at(-1);
        const orderId = last?.reply?.body.orderId;
        if (last && orderId) reads.push(read("order", `/api/orders/${orderId}`, last.buyer.token));
        reads.push(read("cart", "/api/cart", b.token), read("notifications", "/api/notifications", b.token), read("drop", `/api/drops/${drop.dropId}`, b.token));
        reads.push(read("admin stock", `/api/admin/drops/${drop.dropId}/stock`, drop.adminToken));
      }
      await sleep(500);
    }
  })();

  await sleep(3_000); // purchases in flight before the first instance goes
  const restarts: string[] = [];
  for (const service of SERVICES) {
    for (const index of [0, 1, 2]) {
      const began = Date.now();
      const proc = stack.instance(service, index).proc!;
      phase = `${service}#${index} stopping`;
      await stack.kill(service, index, "SIGTERM");
      const stoppedMs = Date.now() - began;
      t.equal(proc.exitCode, 0, `${service}#${index} stopped on its own after SIGTERM (exit 0, within its grace), in ${stoppedMs} ms`);
      phase = `${service}#${index} starting`;
      await stack.start(service, index);
      phase = `${service}#${index} rejoining`;
      await balancer.waitState(service, index, "UP", 180_000);
      restarts.push(`${service}#${index} ${stoppedMs}+${Date.now() - began - stoppedMs}ms`);
    }
  }
  t.comment(`restarts (stop+back in rotation): ${restarts.join(", ")}`);
  phase = "after the restarts";
  await sleep(2_000);
  running = false;
  await Promise.all([buying, reading]);
  const attempts = await Promise.all(purchases);
  const answered = await Promise.all(reads);
  t.comment(`${attempts.length} purchases over ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(statusCounts(attempts))}; ${answered.length} reads`);
  const failed = attempts.filter((a) => a.reply === null || a.reply.status >= 500);
  t.same(failed.map((a) => `${a.error ?? a.reply?.status} (${during.get(a) ?? ""})`), [], "every purchase answered, no 5xx, no connection error");
  t.same(attempts.filter((a) => a.reply?.status !== 201).map((a) => `${a.reply?.status} ${JSON.stringify(a.reply?.body).slice(0, 120)} (${during.get(a) ?? ""})`), [], "every purchase accepted (the drop never sold out)");
  const badReads = answered.filter((r) => r.status === null || r.status >= 500);
  t.same(badReads.map((r) => `${r.what}: ${r.status ?? ""} ${r.error ?? ""} (${r.during})`), [], "every read answered, no 5xx, no connection error");
  t.same(answered.filter((r) => r.status !== 200).map((r) => `${r.what}: ${r.status} ${r.error ?? ""} (${r.during})`), [], "every read 200");
  if (failed.length > 0 || badReads.length > 0) t.comment(`haproxy's log:\n${balancer.output.filter((l) => !/ is (UP|DOWN)/.test(l)).slice(-80).join("\n")}`);
  const out = await expectAllConfirmed(t, stack, client, drop, acceptedOf(attempts), units, started);
  t.comment(`rolling restart: ${JSON.stringify(out)}`);
});

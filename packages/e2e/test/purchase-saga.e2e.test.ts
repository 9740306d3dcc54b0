/**
 * Issue 3's acceptance scenarios through the public HTTP API, with every service running as its
 * own process (two inventory and two order instances) on real Kafka, Redis and PostgreSQL.
 */
import t from "tap";
import { testInternalAuth } from "@drops/http/testing";
import { eventually } from "@drops/testing";
import { INTERNAL_AUTH_SECRET, api, mintBuyer, purchase, runScript, setUpDrop as setUp, sleepUntil, startStack } from "../src/index.ts";
import type { Api, Stack } from "../src/index.ts";

type Order = { orderId: string; status: string; cancelReason?: string | null };
type Stock = { available: number; held: number; sold: number; total: number; consistent: boolean };

let stack: Stack;
let client: Api;
const drops: string[] = [];

t.before(async () => {
  stack = await startStack({
    instances: { inventory: 2, order: 2 },
    // Payment deadline (8 s) longer than the short holds (5 s) below, so an unpaid hold expires first.
    env: { order: { PAYMENT_TIMEOUT_MS: "8000", PAYMENT_LATENCY_MS: "20", PAYMENT_DECLINE_RATE: "0" } },
  });
  client = api(stack.gatewayUrl);
});

t.teardown(async () => {
  await stack?.stop();
});

async function orderOf(buyer: { token: string }, orderId: string): Promise<Order> {
  const res = await client.call<Order>("GET", `/api/orders/${orderId}`, { token: buyer.token });
  if (res.status !== 200) throw new Error(`GET order: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function stockOf(adminToken: string, dropId: string): Promise<Stock> {
  const res = await client.call<Stock>("GET", `/api/admin/drops/${dropId}/stock`, { token: adminToken });
  if (res.status !== 200) throw new Error(`admin stock: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function waitStatus(buyer: { token: string }, orderId: string, status: string, timeoutMs = 20_000): Promise<Order> {
  return eventually(async () => {
    const o = await orderOf(buyer, orderId);
    return o.status === status ? o : undefined;
  }, timeoutMs, 100).catch((err: unknown) => {
    throw new Error(`order ${orderId} never reached ${status}: ${(err as Error).message}\n${stack.logs()}`);
  });
}

/** setUpDrop with every process's last output in the error, so a failure says why. */
async function setUpDrop(...args: Parameters<typeof setUp>): ReturnType<typeof setUp> {
  return setUp(...args).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${stack.logs()}`);
  });
}

function tally(statuses: number[], codes: (string | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  statuses.forEach((s, i) => {
    const k = s === 201 ? "201" : `${s} ${codes[i] ?? ""}`;
    out[k] = (out[k] ?? 0) + 1;
  });
  return out;
}

t.test("100 buyers race for 1 unit: exactly 1 held, 99 SOLD_OUT, no 5xx; the winner's order is confirmed", async (t) => {
  const drop = await setUpDrop(client, { units: 1, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 1500 });
  drops.push(drop.dropId);
  await sleepUntil(drop.startsAt);
  const buyers = Array.from({ length: 100 }, mintBuyer);
  const replies = await Promise.all(buyers.map((b) => purchase(client, drop.dropId, b)));
  t.same(tally(replies.map((r) => r.status), replies.map((r) => r.body.code)), { "201": 1, "409 SOLD_OUT": 99 });
  const w = replies.findIndex((r) => r.status === 201);
  await waitStatus(buyers[w]!, replies[w]!.body.orderId!, "confirmed");
  const stock = await eventually(async () => {
    const s = await stockOf(drop.adminToken, drop.dropId);
    return s.sold === 1 && s.consistent ? s : undefined;
  });
  t.match(stock, { available: 0, held: 0, sold: 1, total: 1, consistent: true });
});

t.test("500 concurrent attempts for 100 units across two inventory and two order instances: 100 held, then confirmed; stock 0", async (t) => {
  const drop = await setUpDrop(client, { units: 100, perBuyerLimit: 1, holdSeconds: 120, startsInMs: 1500 });
  drops.push(drop.dropId);
  await sleepUntil(drop.startsAt);
  const buyers = Array.from({ length: 500 }, mintBuyer);
  const replies = await Promise.all(buyers.map((b) => purchase(client, drop.dropId, b)));
  const counts = tally(replies.map((r) => r.status), replies.map((r) => r.body.code));
  t.same(counts, { "201": 100, "409 SOLD_OUT": 400 }, "exactly 100 held, the rest sold out, no 5xx");
  const winners = replies.flatMap((r, i) => (r.status === 201 ? [{ buyer: buyers[i]!, orderId: r.body.orderId! }] : []));
  t.equal(new Set(winners.map((w) => w.orderId)).size, 100, "100 distinct orders");
  await Promise.all(winners.map((w) => waitStatus(w.buyer, w.orderId, "confirmed", 60_000)));
  const stock = await eventually(async () => {
    const s = await stockOf(drop.adminToken, drop.dropId);
    return s.sold === 100 && s.consistent ? s : undefined;
  }, 20_000);
  t.match(stock, { available: 0, held: 0, sold: 100, total: 100, consistent: true });
});

t.test("before the start: NOT_OPEN; over the limit: LIMIT_REACHED; same Idempotency-Key: the same order", async (t) => {
  const drop = await setUpDrop(client, { units: 10, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 2500 });
  drops.push(drop.dropId);
  const buyer = mintBuyer();
  const early = await purchase(client, drop.dropId, buyer, { key: "k-early" });
  t.equal(early.status, 409);
  t.equal(early.body.code, "NOT_OPEN");
  await sleepUntil(drop.startsAt);
  const first = await purchase(client, drop.dropId, buyer, { key: "k-1" });
  t.equal(first.status, 201);
  const replay = await purchase(client, drop.dropId, buyer, { key: "k-1" });
  t.equal(replay.status, 201);
  t.equal(replay.body.orderId, first.body.orderId, "replay returns the same order");
  t.equal(replay.body.holdExpiresAt, first.body.holdExpiresAt);
  const reused = await purchase(client, drop.dropId, buyer, { key: "k-1", quantity: 2 });
  t.equal(reused.status, 422, "same key, different body");
  const second = await purchase(client, drop.dropId, buyer, { key: "k-2" });
  t.equal(second.status, 409);
  t.equal(second.body.code, "LIMIT_REACHED");
  await waitStatus(buyer, first.body.orderId!, "confirmed");
});

t.test("a declined payment cancels the order, the unit is back on sale within 2 s and a notification is stored", async (t) => {
  const drop = await setUpDrop(client, { units: 1, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 1500 });
  drops.push(drop.dropId);
  await sleepUntil(drop.startsAt);
  const buyer = mintBuyer();
  const res = await purchase(client, drop.dropId, buyer, { paymentMethod: "pm_card_declined" });
  t.equal(res.status, 201);
  const answeredAt = Date.now();
  const other = mintBuyer();
  // The unit is back on sale when another buyer can hold it.
  const back = await eventually(async () => {
    const r = await purchase(client, drop.dropId, other, { key: "retry-after-decline" });
    return r.status === 201 ? r : undefined;
  }, 10_000, 50);
  const backAfterMs = Date.now() - answeredAt;
  t.ok(back.body.orderId, "another buyer holds the returned unit");
  t.ok(backAfterMs < 2000, `unit back on sale ${backAfterMs} ms after the declined buyer's answer (must be < 2000)`);
  const order = await waitStatus(buyer, res.body.orderId!, "cancelled");
  t.match(order.cancelReason, /^PAYMENT_FAILED/);
  const notification = stack.instance("notification");
  const stored = await eventually(async () => {
    const r = await fetch(`${notification.url}/notifications`, { headers: testInternalAuth("gateway", INTERNAL_AUTH_SECRET).headers("notification", { userId: buyer.userId, roles: ["buyer"] }) });
    const body = (await r.json()) as { items: { kind: string; orderId: string }[] };
    return body.items.find((n) => n.orderId === res.body.orderId);
  });
  t.equal(stored.kind, "order_cancelled");
});

t.test("pm_card_timeout: the saga times out, cancels and releases", async (t) => {
  const drop = await setUpDrop(client, { units: 1, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 1500 });
  drops.push(drop.dropId);
  await sleepUntil(drop.startsAt);
  const buyer = mintBuyer();
  const res = await purchase(client, drop.dropId, buyer, { paymentMethod: "pm_card_timeout" });
  t.equal(res.status, 201);
  t.equal((await purchase(client, drop.dropId, mintBuyer())).body.code, "SOLD_OUT", "held while the payment is pending");
  const order = await waitStatus(buyer, res.body.orderId!, "cancelled", 20_000);
  t.match(order.cancelReason, /^PAYMENT_FAILED/);
  const stock = await eventually(async () => {
    const s = await stockOf(drop.adminToken, drop.dropId);
    return s.available === 1 && s.consistent ? s : undefined;
  });
  t.match(stock, { available: 1, held: 0, sold: 0 });
});

t.test("an unpaid hold expires after its TTL and its unit returns", async (t) => {
  const drop = await setUpDrop(client, { units: 1, perBuyerLimit: 1, holdSeconds: 5, startsInMs: 1500 });
  drops.push(drop.dropId);
  await sleepUntil(drop.startsAt);
  const buyer = mintBuyer();
  const res = await purchase(client, drop.dropId, buyer, { paymentMethod: "pm_card_timeout" });
  t.equal(res.status, 201);
  const expiresAt = Date.parse(res.body.holdExpiresAt!);
  t.ok(expiresAt - Date.now() <= 5000 && expiresAt - Date.now() > 3000, "hold TTL is the drop's 5 s");
  const order = await waitStatus(buyer, res.body.orderId!, "expired", 20_000);
  t.ok(Date.now() >= expiresAt, "not before the hold's expiry");
  t.equal(order.status, "expired");
  const stock = await eventually(async () => {
    const s = await stockOf(drop.adminToken, drop.dropId);
    return s.available === 1 && s.consistent ? s : undefined;
  });
  t.match(stock, { available: 1, held: 0, sold: 0 });
});

t.test("reconciliation passes for every drop of the run", async (t) => {
  const result = await runScript("scripts/reconcile.ts", drops, stack.envFor("inventory"));
  t.equal(result.code, 0, result.output);
  t.equal((result.output.match(/^OK /gm) ?? []).length, drops.length, result.output);
});

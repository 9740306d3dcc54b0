/**
 * The fault suite's drill (packages/e2e/test/faults): buyers with a fixed Idempotency-Key each,
 * waves of purchases before, during and after a fault, and the end check every fault shares: every
 * accepted order final, none cancelled (every buyer pays with pm_card_ok), none lost or applied twice
 * (sold == confirmed == accepted), the stock invariant in Redis and in the ledger, and the
 * reconciliation command agreeing.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "@drops/testing";
import type { Api, DropSetup, PurchaseReply } from "./api.ts";
import { diagnoseOrders } from "./diagnose.ts";
import { api, mintBuyer, purchase, setUpDrop, sleepUntil } from "./api.ts";
import { orderStatus, settledStock, type PlacedOrder } from "./saga.ts";
import { runScript, startStack, type Stack } from "./stack.ts";

export type FaultBuyer = { userId: string; token: string; key: string };

/** What one attempt got: an answer, or none (the connection failed: the buyer does not know). */
export type Attempt = { buyer: FaultBuyer; reply: PurchaseReply | null; error?: string };

export function faultBuyers(n: number): FaultBuyer[] {
  return Array.from({ length: n }, () => ({ ...mintBuyer(), key: randomUUID() }));
}

/** One purchase with the buyer's own key; a failed connection is an attempt without an answer. */
export async function attempt(client: Api, dropId: string, buyer: FaultBuyer): Promise<Attempt> {
  try {
    return { buyer, reply: await purchase(client, dropId, buyer, { key: buyer.key }) };
  } catch (err) {
    return { buyer, reply: null, error: String((err as Error).cause ?? err) };
  }
}

/** A wave of purchases, `perSecond` started per second (so a fault lands among requests in flight). */
export async function wave(client: Api, dropId: string, buyers: readonly FaultBuyer[], perSecond = 50): Promise<Attempt[]> {
  const gap = 1000 / perSecond;
  return Promise.all(buyers.map(async (b, i) => {
    await new Promise((r) => setTimeout(r, i * gap));
    return attempt(client, dropId, b);
  }));
}

/** The stack of the process drills (processes, sigstop): two gateways, two order instances, FAULT_ENV, on the shared infrastructure. */
export async function startDrillStack(): Promise<{ stack: Stack; client: Api }> {
  const stack = await startStack({ instances: { gateway: 2, order: 2 }, env: FAULT_ENV });
  return { stack, client: api(stack.gatewayUrl) };
}

/** The drills' drop: `units` (default 30) at one per buyer, 120 s holds, opened 1.5 s from now and waited for. */
export async function openFaultDrop(client: Api, units = FAULT_UNITS): Promise<DropSetup> {
  const drop = await setUpDrop(client, { units, perBuyerLimit: 1, holdSeconds: 120, startsInMs: 1500 });
  await sleepUntil(drop.startsAt);
  return drop;
}

/** Units of a drill's drop. */
export const FAULT_UNITS = 30;

export function acceptedOf(attempts: readonly Attempt[]): PlacedOrder[] {
  return attempts.flatMap((a) => (a.reply?.status === 201 && a.reply.body.orderId !== undefined ? [{ buyer: a.buyer, orderId: a.reply.body.orderId }] : []));
}

/** `{201: 12, 409: 3, none: 1}` */
export function statusCounts(attempts: readonly Attempt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of attempts) {
    const k = a.reply === null ? "none" : a.reply.status === 201 ? "201" : `${a.reply.status} ${String(a.reply.body.code ?? "")}`.trim();
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** The assertions of a tap test this module uses. */
type Tap = {
  equal: (found: unknown, wanted: unknown, message: string) => unknown;
  same: (found: unknown, wanted: unknown, message: string) => unknown;
  comment: (...args: unknown[]) => unknown;
};

export type Outcome = { statuses: Record<string, number>; confirmed: number; sold: number; available: number; held: number; total: number; ms: number };

/**
 * The end check of a fault: every accepted order (unique order ids) final and confirmed (all pay
 * with pm_card_ok and the holds outlast the fault: nothing may end cancelled, and none may be lost),
 * sold == confirmed (nothing applied twice), available + held + sold == total == units, Redis and the
 * ledger agreeing, and scripts/reconcile.ts exit 0.
 */
export async function expectAllConfirmed(t: Tap, stack: Stack, client: Api, drop: DropSetup, orders: readonly PlacedOrder[], units: number, startedAt: number): Promise<Outcome> {
  t.equal(new Set(orders.map((o) => o.orderId)).size, orders.length, "one order per accepted buyer");
  const statuses = await eventually(async () => {
    const all = await Promise.all(orders.map((o) => orderStatus(client, o)));
    return all.every((s) => ["confirmed", "cancelled", "expired", "refunded"].includes(s)) ? all : undefined;
  }, 120_000, 500).catch(async (err: unknown) => {
    const now = await Promise.all(orders.map((o) => orderStatus(client, o)));
    // What a stuck order looks like from outside, for the diagnosis: its id and raw answer (a `held`
    // from the gateway's pending record means the saga never created it), and the dead letters.
    const stuck = await Promise.all(
      orders.flatMap((o, i) => (["confirmed", "cancelled", "expired", "refunded"].includes(now[i]!) ? [] : [o])).map(async (o) => {
        const r = await client.call("GET", `/api/orders/${o.orderId}`, { token: o.buyer.token });
        return { orderId: o.orderId, status: r.status, body: r.body };
      }),
    );
    const dead = await client.call("GET", "/api/admin/dead-letters", { token: drop.adminToken }).catch((e: unknown) => ({ status: 0, body: String(e) }));
    // Each stuck order's last hop, read from Redis, PostgreSQL and Kafka themselves; the processes' full output to a file.
    // (When they all ended meanwhile, e.g. expired, the ones not confirmed.)
    const unconfirmed = orders.filter((_, i) => now[i] !== "confirmed").map((o) => o.orderId);
    const where = await diagnoseOrders(stack, drop.dropId, (stuck.length > 0 ? stuck.map((s) => s.orderId) : unconfirmed).slice(0, 10));
    const file = join(tmpdir(), `drops-fault-${stack.id}.log`);
    writeFileSync(file, `${where}\n${stack.instances.map((i) => `--- ${i.service}#${i.index}\n${i.output.join("\n")}`).join("\n")}\n`);
    throw new Error(
      `orders did not all end (${JSON.stringify(count(now))}): ${(err as Error).message}\nstuck: ${JSON.stringify(stuck)}\ndead letters: ${JSON.stringify(dead.body)}\nwhere they stopped: ${where}\nfull output: ${file}\n${stack.logs()}`,
    );
  });
  const byStatus = count(statuses);
  t.comment(`${orders.length} accepted: ${JSON.stringify(byStatus)}`);
  const cancelled = orders.filter((_, i) => statuses[i] === "cancelled");
  if (cancelled.length > 0) {
    // Why each was cancelled (its answer's reason) and every process's lines that name it, to a file.
    const answers = await Promise.all(cancelled.map(async (o) => (await client.call("GET", `/api/orders/${o.orderId}`, { token: o.buyer.token })).body));
    const file = join(tmpdir(), `drops-fault-${stack.id}-cancelled.log`);
    const lines = stack.instances.flatMap((i) => i.output.filter((l) => cancelled.some((o) => l.includes(o.orderId))).map((l) => `${i.service}#${i.index} ${l}`));
    // Their rows (order, payment: attempts, lease, error), outbox and saga events, read from PostgreSQL and Kafka.
    const where = await diagnoseOrders(stack, drop.dropId, cancelled.map((o) => o.orderId).slice(0, 10)).catch((e: unknown) => `diagnosis failed: ${String(e)}`);
    writeFileSync(file, `${JSON.stringify(answers, null, 2)}\n${lines.join("\n")}\n${where}\n${stack.instances.map((i) => `--- ${i.service}#${i.index}\n${i.output.join("\n")}`).join("\n")}\n`);
    t.comment(`cancelled: ${JSON.stringify(answers)}; their log lines and every process's output: ${file}`);
  }
  t.same(orders.filter((_, i) => statuses[i] === "cancelled").map((o) => o.orderId), [], "no order paid with pm_card_ok ends cancelled");
  t.same(orders.flatMap((o, i) => (statuses[i] === "confirmed" ? [] : [`${o.orderId} ${statuses[i]}`])), [], "every accepted order confirmed (nothing lost)");
  const confirmed = statuses.filter((s) => s === "confirmed").length;
  const stock = await settledStock(client, drop.adminToken, drop.dropId, 60_000);
  t.equal(stock.sold, confirmed, "sold == confirmed orders (nothing applied twice, nothing lost)");
  t.equal(stock.total, units, "total is the drop's units");
  t.equal(stock.available + stock.held + stock.sold, stock.total, "available + held + sold == total");
  const rec = await runScript("scripts/reconcile.ts", [drop.dropId], stack.envFor("inventory"));
  t.equal(rec.code, 0, `reconcile: ${rec.output.trim().split("\n").at(-1) ?? ""}`);
  return { statuses: byStatus, confirmed, sold: stock.sold, available: stock.available, held: stock.held, total: stock.total, ms: Date.now() - startedAt };
}

function count(statuses: readonly string[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const s of statuses) c[s] = (c[s] ?? 0) + 1;
  return c;
}

/**
 * The stack environment of the fault suite: short sessions and leases, few slow charges (the fault
 * lands mid-saga), and a payment deadline (4 s) shorter than any fault, so a deadline that ran while
 * our own side is down would cancel payers here (as the issue's kill -9 run did: PAYMENT_FAILED:TIMEOUT).
 */
export const FAULT_ENV = {
  order: {
    CONSUMER_SESSION_TIMEOUT_MS: "6000",
    PAYMENT_TIMEOUT_MS: "4000",
    PAYMENT_LEASE_MS: "3000",
    PAYMENT_LATENCY_MS: "100",
    PAYMENT_CONCURRENCY: "6",
  },
} as const;

/**
 * The process drills' shape: a drop opened, 15 buyers before the fault, 15 at 30 a second with
 * `inject` landing 150 ms into them, `outage` ms of waiting, `heal`, then 10 buyers after; every
 * purchase answered (no 5xx: `why` says why none may fail), then the end check. `label` names the
 * outcome's comment.
 */
export async function waveDrill(
  t: Tap,
  stack: Stack,
  client: Api,
  d: { label: string; why: string; outageMs: number; inject: () => unknown; heal: () => unknown },
): Promise<Outcome> {
  const started = Date.now();
  const drop = await openFaultDrop(client);
  const [before, during, after] = [faultBuyers(15), faultBuyers(15), faultBuyers(10)];
  const first = await wave(client, drop.dropId, before);
  const inFlight = wave(client, drop.dropId, during, 30);
  await sleep(150);
  await d.inject();
  const second = await inFlight;
  await sleep(d.outageMs);
  await d.heal();
  const third = await wave(client, drop.dropId, after);
  const all = [...first, ...second, ...third];
  t.comment(`answers: ${JSON.stringify(statusCounts(all))}`);
  t.equal(all.filter((a) => a.reply === null || a.reply.status >= 500).length, 0, `every purchase answered, no 5xx${d.why ? ` (${d.why})` : ""}`);
  const out = await expectAllConfirmed(t, stack, client, drop, acceptedOf(all), FAULT_UNITS, started);
  t.comment(`${d.label}: ${JSON.stringify(out)}`);
  return out;
}

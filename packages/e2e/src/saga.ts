/**
 * Following orders and stock to the end of their sagas through the public API, and the crash
 * drill of the order service, as the end-to-end tests use them.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { eventually } from "@drops/testing";
import type { Api } from "./api.ts";
import type { Stack } from "./stack.ts";

/** Statuses an order does not leave. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(["confirmed", "cancelled", "expired", "refunded"]);

export type PlacedOrder = { buyer: { token: string }; orderId: string };

/** The order's public status, or `http <status>` when it cannot be read. */
export async function orderStatus(client: Api, o: PlacedOrder): Promise<string> {
  const r = await client.call<{ status: string; code?: string; message?: string }>("GET", `/api/orders/${o.orderId}`, { token: o.buyer.token });
  return r.status === 200 ? r.body.status : `http ${r.status} ${r.body.code ?? ""}: ${r.body.message ?? ""}`;
}

/** Every order's final status, once all are final (the stack's logs in the error when they are not). */
export async function waitAllFinal(stack: Stack, client: Api, orders: readonly PlacedOrder[], timeoutMs = 90_000): Promise<string[]> {
  return eventually(async () => {
    const all = await Promise.all(orders.map((o) => orderStatus(client, o)));
    return all.every((s) => FINAL_STATUSES.has(s)) ? all : undefined;
  }, timeoutMs, 500).catch((err: unknown) => {
    throw new Error(`orders did not all end: ${(err as Error).message}\n${stack.logs()}`);
  });
}

/**
 * The order service's environment for its crash drill (with one order instance, so the kill takes
 * the whole saga down): a short Kafka session timeout lets the restarted instance take the dead
 * member's partitions without waiting the default 30 s, and six charges at a time (of 100 ms each)
 * keep the orders spread over about a second, so the kill lands mid-saga (with the default 256
 * charge slots they would all confirm at once).
 */
export const ORDER_CRASH_ENV: Readonly<Record<string, string>> = {
  CONSUMER_SESSION_TIMEOUT_MS: "6000",
  PAYMENT_TIMEOUT_MS: "8000",
  PAYMENT_LATENCY_MS: "100",
  PAYMENT_CONCURRENCY: "6",
};

/**
 * kill -9 of the (single) order service as soon as one of the first orders is confirmed, so the
 * rest are in flight, then a restart a second later. Returns how many were confirmed just before.
 */
export async function killOrderServiceMidSaga(stack: Stack, client: Api, orders: readonly PlacedOrder[]): Promise<number> {
  await eventually(async () => (await Promise.all(orders.slice(0, 20).map((o) => orderStatus(client, o)))).includes("confirmed"), 30_000, 20);
  const beforeKill = await Promise.all(orders.map((o) => orderStatus(client, o)));
  await stack.kill("order", 0, "SIGKILL");
  await sleep(1000);
  await stack.start("order", 0);
  return beforeKill.filter((s) => s === "confirmed").length;
}

export type AdminStock = { available: number; held: number; sold: number; total: number; consistent: boolean };

/** The inventory's Redis-vs-ledger view of a drop's or a product's stock, once nothing is held and both agree. */
export async function settledStock(client: Api, adminToken: string, stockId: string, timeoutMs = 20_000): Promise<AdminStock> {
  return eventually(async () => {
    const r = await client.call<AdminStock>("GET", `/api/admin/drops/${stockId}/stock`, { token: adminToken });
    return r.status === 200 && r.body.held === 0 && r.body.consistent ? r.body : undefined;
  }, timeoutMs, 100);
}

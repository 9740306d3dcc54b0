/**
 * Kill -9 of the order service mid-saga, then a restart: every accepted order still ends confirmed,
 * and no event is applied twice (redelivered messages carry the same event id; at most one distinct
 * event of each kind per order). The test plays the inventory and answers every confirm command.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import t from "tap";
import { testEnvelope, testPublisher } from "@drops/kafka/testing";
import { eventually, uniqueName } from "@drops/testing";
import { eventsOf, sagaKafka, sagaVars, testDatabase } from "./helpers.ts";

const script = fileURLToPath(new URL("./order-process.ts", import.meta.url));

function startInstance(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script], { env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line === "ready") resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`order instance exited with ${code}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", () => r()));
}

t.test("kill -9 mid-saga and restart: every order ends confirmed, nothing applied twice", async (t) => {
  const { db, pool } = await testDatabase(t, "crash");
  const { kafka, topics, seen } = await sagaKafka(t);
  const { publish } = testPublisher(t, kafka);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...sagaVars(db),
    CONSUMER_SESSION_TIMEOUT_MS: "6000",
    PAYMENT_LATENCY_MS: "30",
    PAYMENT_TIMEOUT_MS: "60000",
    TEST_TOPICS: JSON.stringify(topics),
  };
  let child = await startInstance(env);
  t.teardown(async () => {
    child.kill("SIGKILL");
    await exited(child);
  });

  // The inventory: one StockConfirmed per confirm command.
  const answered = new Set<string>();
  const inventory = setInterval(() => {
    for (const e of seen) {
      if (e.type !== "StockConfirmRequested" || answered.has(e.payload.orderId)) continue;
      answered.add(e.payload.orderId);
      void publish(topics.inventory, testEnvelope("StockConfirmed", { orderId: e.payload.orderId, dropId: e.payload.dropId, quantity: e.payload.quantity }));
    }
  }, 25);
  t.teardown(() => clearInterval(inventory));

  const orderIds = Array.from({ length: 60 }, (_, i) => uniqueName(`crash${i}`));
  await Promise.all(
    orderIds.map((orderId) =>
      publish(
        topics.inventory,
        testEnvelope("StockReserved", { orderId, dropId: "d-crash", buyerId: uniqueName("b"), quantity: 1, holdExpiresAt: Date.now() + 600_000, amountCents: 100, currency: "EUR", paymentMethod: "pm_card_ok" }),
      ),
    ),
  );
  await eventually(() => new Set(seen.filter((e) => e.type === "PaymentSucceeded").map((e) => e.correlationId)).size >= 10, 30_000);
  child.kill("SIGKILL");
  await exited(child);
  const atKill = await pool.query<{ status: string; n: number }>("SELECT status, count(*)::int AS n FROM orders GROUP BY status ORDER BY status");
  t.comment(`at kill -9: ${atKill.rows.map((r) => `${r.status}=${r.n}`).join(" ")}`);

  child = await startInstance(env);
  await eventually(async () => {
    const res = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM orders WHERE status = 'confirmed'");
    return res.rows[0]!.n === orderIds.length;
  }, 90_000);
  await eventually(() => orderIds.every((id) => eventsOf(seen, id, "OrderConfirmed").length > 0), 30_000);

  const types = ["PaymentRequested", "PaymentSucceeded", "StockConfirmRequested", "OrderConfirmed"] as const;
  const notOnce = orderIds
    .map((orderId) => ({ orderId, counts: types.map((type) => new Set(eventsOf(seen, orderId, type).map((e) => e.eventId)).size) }))
    .filter((o) => o.counts.some((n) => n !== 1));
  t.same(notOnce, [], "each order: exactly one distinct PaymentRequested, PaymentSucceeded, StockConfirmRequested, OrderConfirmed");
  const payments = await pool.query<{ status: string; n: number }>("SELECT status, count(*)::int AS n FROM payments GROUP BY status");
  t.same(payments.rows, [{ status: "succeeded", n: orderIds.length }]);
});

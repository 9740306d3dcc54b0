/**
 * The charge runner on real Kafka + PostgreSQL: charges that never answer hold only their own slots,
 * so honest orders queued behind them on the same partitions are charged and confirmed while every
 * hanging one is still payment_pending; the hanging ones end cancelled by their deadline. And a
 * charge left `processing` by a dead instance is resumed once its lease lapsed.
 */
import { randomUUID } from "node:crypto";
import t, { type Test } from "tap";
import { inTransaction } from "@drops/db";
import type { StockReserved } from "@drops/events";
import { testEnvelope } from "@drops/kafka/testing";
import { eventually, uniqueName } from "@drops/testing";
import { defaultTopics } from "../../src/domain/topics.ts";
import { beginCharge, finishCharge } from "../../src/handlers/charge-on-payment-requested.ts";
import type { PaymentDeps, PaymentProvider } from "../../src/store/payment-provider.ts";
import { startPayment } from "../../src/store/payments.ts";
import { applyInTx, runSagaStep } from "../../src/store/saga-step.ts";
import { createChargeRunner } from "../../src/workers/charges.ts";
import { sweepPaymentDeadlines } from "../../src/workers/payment-deadlines.ts";
import { approvingProvider, eventsOf, startSagaEnv, testDatabase } from "../helpers.ts";

function reservation(paymentMethod: string): StockReserved {
  return { orderId: randomUUID(), dropId: uniqueName("d"), buyerId: randomUUID(), quantity: 1, holdExpiresAt: Date.now() + 120_000, amountCents: 1_000, currency: "EUR", paymentMethod };
}

/** A fresh schema with one held order (pm_card_ok), the payment deps over it, and its PaymentRequested payload. */
async function heldOrder(t: Test, provider: PaymentProvider, paymentTimeoutMs: number) {
  const { pool } = await testDatabase(t, "charges");
  const deps: PaymentDeps = { pool, topics: defaultTopics, now: Date.now, newId: randomUUID, defaultCurrency: "EUR", provider, paymentTimeoutMs, maxAttempts: 3 };
  const r = reservation("pm_card_ok");
  await runSagaStep(deps, r.orderId, { type: "StockReserved", reserved: r, defaultCurrency: "EUR" }, null);
  const req = { orderId: r.orderId, buyerId: r.buyerId, amountCents: 1_000, currency: "EUR", paymentMethod: r.paymentMethod };
  return { pool, deps, r, req };
}

/** A provider that approves the n-th charge (from 1) after `answerIn(n)` ms, or gives up when its deadline aborts. */
function approvingAfter(answerIn: (call: number) => number): PaymentProvider {
  let calls = 0;
  return {
    charge: async (req, signal) => {
      const ms = answerIn(++calls);
      await new Promise((res, reject) => {
        const timer = setTimeout(res, ms);
        signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
      });
      return { status: "approved", paymentId: `pay_${req.orderId}` };
    },
    refund: async (req) => ({ refundId: `re_${req.orderId}` }),
  };
}

t.test("18 hanging charges queued first: every honest order behind them is confirmed while they are all still payment_pending", async (t) => {
  const env = await startSagaEnv(t, { PAYMENT_TIMEOUT_MS: "12000", PAYMENT_LATENCY_MS: "20", PAYMENT_CONCURRENCY: "64" });
  const statuses = async (ids: string[]): Promise<Map<string, string>> => {
    const res = await env.clients.pool.query<{ id: string; status: string }>("SELECT id, status FROM orders WHERE id = ANY($1::text[])", [ids]);
    return new Map(res.rows.map((r) => [r.id, r.status]));
  };
  // The inventory: one StockConfirmed per confirm command.
  const answered = new Set<string>();
  const inventory = setInterval(() => {
    for (const e of env.seen) {
      if (e.type !== "StockConfirmRequested" || answered.has(e.payload.orderId)) continue;
      answered.add(e.payload.orderId);
      void env.publish(env.topics.inventory, testEnvelope("StockConfirmed", { orderId: e.payload.orderId, dropId: e.payload.dropId, quantity: e.payload.quantity }));
    }
  }, 20);
  t.teardown(() => clearInterval(inventory));

  // 18 never-answering charges first, on every partition (3 partitions, 18 random keys)...
  const hanging = Array.from({ length: 18 }, () => reservation("pm_card_timeout"));
  await Promise.all(hanging.map((r) => env.publish(env.topics.inventory, testEnvelope("StockReserved", r))));
  const hangingIds = hanging.map((r) => r.orderId);
  await eventually(async () => [...(await statuses(hangingIds)).values()].filter((s) => s === "payment_pending").length === hangingIds.length, 10_000);
  // ... and only then the honest buyers, whose PaymentRequested land behind them.
  const honest = Array.from({ length: 6 }, () => reservation("pm_card_ok"));
  await Promise.all(honest.map((r) => env.publish(env.topics.inventory, testEnvelope("StockReserved", r))));
  const honestIds = honest.map((r) => r.orderId);

  await eventually(async () => [...(await statuses(honestIds)).values()].filter((s) => s === "confirmed").length === honestIds.length, 10_000);
  const hangingNow = await statuses(hangingIds);
  t.same(
    hangingIds.filter((id) => hangingNow.get(id) !== "payment_pending"),
    [],
    "every honest order confirmed while every hanging charge is still payment_pending",
  );
  t.ok(honestIds.every((id) => eventsOf(env.seen, id, "PaymentSucceeded").length === 1), "each honest order charged once");

  await eventually(async () => [...(await statuses(hangingIds)).values()].every((s) => s === "cancelled"), 20_000);
  await eventually(() => hangingIds.every((id) => eventsOf(env.seen, id, "StockReleaseRequested").length >= 1), 10_000);
  t.pass("the hanging ones end cancelled by their deadline, their stock released");
  t.equal(env.workers.payments.stats().deadLettered, 0);
});

t.test("a charge left processing by a dead instance is resumed once its lease lapsed, and reported once", async (t) => {
  const { provider, charges } = approvingProvider();
  const { pool, deps, r } = await heldOrder(t, provider, 30_000);
  // The dead instance began the charge (its consumer committed the request) and never settled it.
  await inTransaction(pool, async (tx) => {
    await applyInTx(tx, deps, r.orderId, { type: "PaymentStarted", deadlineAt: Date.now() + 30_000 }, null);
    await startPayment(tx, { orderId: r.orderId, amountCents: 1_000, paymentMethod: r.paymentMethod, now: Date.now() });
  });

  const runner = createChargeRunner(deps, { concurrency: 4, leaseMs: 600 });
  t.teardown(() => runner.stop());
  t.equal(await runner.recover(), 0, "not while the lease holds");
  await eventually(async () => (await pool.query<{ status: string }>("SELECT status FROM payments WHERE order_id = $1", [r.orderId])).rows[0]?.status === "succeeded", 10_000);
  t.same(charges, [r.orderId], "charged again once (the provider treats it as the same payment)");
  const out = await pool.query<{ event_type: string }>("SELECT event_type FROM outbox WHERE key = $1 ORDER BY seq", [r.orderId]);
  t.same(out.rows.map((row) => row.event_type), ["PaymentRequested", "PaymentSucceeded"]);
  t.equal(await runner.recover(), 0, "a settled payment is not resumed");
});

t.test("our own outage does not time out a payer: a charge interrupted past its deadline is resumed with a new deadline, not cancelled", async (t) => {
  const { provider, charges } = approvingProvider();
  const { pool, deps, r } = await heldOrder(t, provider, 1_000);
  // The charge was sent 20 s ago by an instance that died (or froze, or was rebalancing) right after:
  // its deadline passed long ago and its lease lapsed; nobody asked the provider since.
  const long = Date.now() - 20_000;
  await inTransaction(pool, async (tx) => {
    await applyInTx(tx, deps, r.orderId, { type: "PaymentStarted", deadlineAt: long + 1_000 }, null);
    await startPayment(tx, { orderId: r.orderId, amountCents: 1_000, paymentMethod: r.paymentMethod, now: long });
  });
  t.equal(await sweepPaymentDeadlines(deps, { maxChargeAttempts: 10 }), 0, "the sweeper does not time out a charge that can be sent again");

  const runner = createChargeRunner(deps, { concurrency: 4, leaseMs: 600 });
  t.teardown(() => runner.stop());
  await eventually(async () => (await pool.query<{ status: string }>("SELECT status FROM payments WHERE order_id = $1", [r.orderId])).rows[0]?.status === "succeeded", 10_000);
  t.same(charges, [r.orderId], "sent again once");
  const order = await pool.query<{ status: string }>("SELECT status FROM orders WHERE id = $1", [r.orderId]);
  t.equal(order.rows[0]!.status, "payment_pending", "not cancelled: PaymentSucceeded is on its way to the saga");
  const out = await pool.query<{ event_type: string }>("SELECT event_type FROM outbox WHERE key = $1 ORDER BY seq", [r.orderId]);
  t.same(out.rows.map((row) => row.event_type), ["PaymentRequested", "PaymentSucceeded"], "no PaymentFailed(TIMEOUT), no release");
});

t.test("a resumed charge's deadline starts at the resume; an attempt it superseded cannot time it out", async (t) => {
  // The provider answers the second send only (the first is lost, as by a worker that froze): the
  // first never answers; the second answers after 600 ms.
  const provider = approvingAfter((call) => (call === 1 ? 60_000 : 600));
  const { pool, deps, r, req } = await heldOrder(t, provider, 400);

  const first = await beginCharge(deps, req, null);
  t.match(first, { attempt: 1 });
  const firstRun = finishCharge(deps, req, first!, null); // times out after 400 ms...
  await new Promise((res) => setTimeout(res, 100));
  const second = await beginCharge(deps, req, null); // ... but was superseded at 100 ms by a resumed send
  t.match(second, { attempt: 2 });
  t.ok(second!.deadlineAt > first!.deadlineAt, "the resume restarted the deadline");
  const orderDeadline = await pool.query<{ payment_deadline_at: Date }>("SELECT payment_deadline_at FROM orders WHERE id = $1", [r.orderId]);
  t.equal(orderDeadline.rows[0]!.payment_deadline_at.getTime(), second!.deadlineAt, "the order's deadline is the resumed send's");
  await firstRun;
  const mid = await pool.query<{ status: string }>("SELECT status FROM payments WHERE order_id = $1", [r.orderId]);
  t.equal(mid.rows[0]!.status, "processing", "the superseded attempt's own time-out settled nothing");
  // The second send is answered after 600 ms, past its 400 ms deadline: it times out for real.
  await finishCharge(deps, req, second!, null);
  const end = await pool.query<{ status: string; last_error: string }>("SELECT status, last_error FROM payments WHERE order_id = $1", [r.orderId]);
  t.match(end.rows[0], { status: "failed", last_error: /^TIMEOUT/ }, "the latest attempt's time-out is the provider's silence");
});

t.test("two attempts of one charge begun at once: the second waits for the first's commit, then resumes its row with a deadline of its own", async (t) => {
  const { provider, charges } = approvingProvider();
  const { pool, deps, r, req } = await heldOrder(t, provider, 1_000);

  // The first attempt (an instance that froze, SIGSTOP, inside its begin transaction): its order and
  // payment row written, not yet committed, for longer than the payment timeout.
  let commit!: () => void;
  const held = new Promise<void>((res) => (commit = res));
  let locked!: () => void;
  const firstLocked = new Promise<void>((res) => (locked = res));
  const first = inTransaction(pool, async (tx) => {
    await applyInTx(tx, deps, r.orderId, { type: "PaymentStarted", deadlineAt: Date.now() + 1_000 }, null);
    await startPayment(tx, { orderId: r.orderId, amountCents: 1_000, paymentMethod: r.paymentMethod, now: Date.now() });
    locked();
    await held;
  });
  await firstLocked;
  // The second (the other instance, given the redelivered request) begins meanwhile.
  const second = beginCharge(deps, req, null);
  await new Promise((res) => setTimeout(res, 1_300));
  const committedAt = Date.now();
  commit();
  await first;
  const started = await second;
  t.match(started, { attempt: 2 }, "it resumed the first attempt's row");
  t.ok(started!.deadlineAt >= committedAt + 1_000 - 50, `its deadline runs from when it could begin (${started!.deadlineAt - committedAt} ms after the first committed), not the first's, long past`);
  const done = await finishCharge(deps, req, started!, null);
  t.same(done, { timedOut: false, settled: true });
  const end = await pool.query<{ status: string }>("SELECT status FROM payments WHERE order_id = $1", [r.orderId]);
  t.equal(end.rows[0]!.status, "succeeded", "charged, not timed out");
  t.same(charges, [r.orderId]);
});

t.test("frozen between beginning a charge and sending it: the whole timeout runs from the send", async (t) => {
  const provider = approvingAfter(() => 300);
  const { pool, deps, r, req } = await heldOrder(t, provider, 1_000);
  const started = await beginCharge(deps, req, null);
  await new Promise((res) => setTimeout(res, 300)); // the stall watch ticks before the freeze
  // Frozen past the deadline before the charge was sent (SIGSTOP, a VM pause, a long GC).
  const end = Date.now() + 1_500;
  while (Date.now() < end) {
    // busy: no timer can fire
  }
  t.ok(Date.now() > started!.deadlineAt, "the begin's deadline has passed");
  const done = await finishCharge(deps, req, started!, null);
  t.same(done, { timedOut: false, settled: true }, "answered within the timeout counted from the send");
  const row = await pool.query<{ status: string }>("SELECT status FROM payments WHERE order_id = $1", [r.orderId]);
  t.equal(row.rows[0]!.status, "succeeded");
});

/**
 * Two order-service instances (same schema, same consumer groups, two relays, two sweepers) share
 * the work: every order ends in the right state and no saga event is emitted twice.
 */
import t from "tap";
import type { StockReserved } from "@drops/events";
import { testEnvelope } from "@drops/kafka/testing";
import { eventually, uniqueName } from "@drops/testing";
import { buildApp } from "../src/app.ts";
import { openClients } from "../src/clients.ts";
import { eventsOf, startSagaEnv } from "./helpers.ts";

t.test("two instances process 40 orders: each ends once, in the right state", async (t) => {
  const env = await startSagaEnv(t);
  // A second instance on the same schema, topics and consumer groups.
  const clients2 = openClients(env.config);
  const second = await buildApp(env.config, clients2, { topics: env.topics });
  await second.workers.start();
  t.teardown(async () => {
    await second.workers.stop();
    await second.app.close();
  });
  await Promise.all([second.workers.saga.joined, second.workers.payments.joined]);

  const methods = ["pm_card_ok", "pm_card_declined"] as const;
  const orders: StockReserved[] = Array.from({ length: 40 }, (_, i) => ({
    orderId: uniqueName(`multi${i}`),
    dropId: "d-multi",
    buyerId: uniqueName("b"),
    quantity: 1,
    holdExpiresAt: Date.now() + 60_000,
    amountCents: 100,
    currency: "EUR",
    paymentMethod: methods[i % 2]!,
  }));
  await Promise.all(orders.map((r) => env.publish(env.topics.inventory, testEnvelope("StockReserved", r))));

  const ok = orders.filter((r) => r.paymentMethod === "pm_card_ok");
  const declined = orders.filter((r) => r.paymentMethod === "pm_card_declined");
  await eventually(() => ok.every((r) => eventsOf(env.seen, r.orderId, "StockConfirmRequested").length > 0), 30_000);
  await Promise.all(ok.map((r) => env.publish(env.topics.inventory, testEnvelope("StockConfirmed", { orderId: r.orderId, dropId: r.dropId, quantity: 1 }))));
  await eventually(() => ok.every((r) => eventsOf(env.seen, r.orderId, "OrderConfirmed").length > 0), 30_000);
  await eventually(() => declined.every((r) => eventsOf(env.seen, r.orderId, "OrderCancelled").length > 0), 30_000);
  await new Promise((r) => setTimeout(r, 1_000)); // room for a duplicate to show up

  const res = await env.clients.pool.query<{ status: string; n: number }>(
    "SELECT status, count(*)::int AS n FROM orders WHERE drop_id = 'd-multi' GROUP BY status ORDER BY status",
  );
  t.same(res.rows, [
    { status: "cancelled", n: 20 },
    { status: "confirmed", n: 20 },
  ]);
  for (const r of orders) {
    const types = eventsOf(env.seen, r.orderId).map((e) => e.type).sort();
    const expected =
      r.paymentMethod === "pm_card_ok"
        ? ["OrderConfirmed", "PaymentRequested", "PaymentSucceeded", "StockConfirmRequested", "StockConfirmed", "StockReserved"]
        : ["OrderCancelled", "PaymentFailed", "PaymentRequested", "StockReleaseRequested", "StockReserved"];
    t.same(types, expected.sort(), `${r.paymentMethod}: each event once`);
  }
  const handled = [env.workers.saga, second.workers.saga].map((c) => c.stats().handled);
  t.ok(handled.every((n) => n > 0), `both saga instances handled events (${handled.join(" + ")})`);
  const outbox = [env.clients.producer, clients2.producer].map((p) => p.stats().sent);
  t.ok(outbox.every((n) => n > 0), `both relays published (${outbox.join(" + ")})`);
});

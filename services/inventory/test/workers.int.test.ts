import t from "tap";
import { randomUUID } from "node:crypto";
import { newEnvelope } from "@drops/events";
import type { DropsEvent, StockReleaseReason } from "@drops/events";
import { eventually } from "@drops/testing";
import { collectEvents, testKafka, testPublisher, testTopics } from "@drops/kafka/testing";
import { stockFixture, HOUR } from "./stock-fixture.ts";
import { runCommandConsumer } from "../src/workers.ts";
import { uniqueName } from "@drops/testing";
import type { StockLine } from "@drops/events";
import { dbFixture } from "./db-fixture.ts";
import { createCartStock } from "../src/store/stock/cart-stock.ts";
import { ledgerCounters, ledgerSink } from "../src/store/ledger.ts";
import { reconcile } from "../src/store/reconcile.ts";
import { createStockRelay } from "../src/workers/relay.ts";
import { uuidV5 } from "../src/domain/event-id.ts";

t.setTimeout(120_000);

const confirmCmd = (orderId: string, id = randomUUID()): DropsEvent =>
  newEnvelope({ type: "StockConfirmRequested", payload: { orderId, dropId: "c", quantity: 1, lines: null }, correlationId: orderId, now: Date.now(), id });
const releaseCmd = (orderId: string, reason: StockReleaseReason): DropsEvent =>
  newEnvelope({ type: "StockReleaseRequested", payload: { orderId, dropId: "c", quantity: 1, reason, lines: null }, correlationId: orderId, now: Date.now(), id: randomUUID() });

t.test("confirm and release commands drive the stock scripts idempotently; a gone hold answers StockConfirmFailed", async (t) => {
  const f = stockFixture(t);
  const kafka = testKafka("inv_test");
  const topics = await testTopics(t, kafka, "inv", ["orders", "changes", "commands"]);
  const { producer } = testPublisher(t, kafka, { lingerMs: 2 });
  const publish = (e: DropsEvent) => producer.publish(e.type === "StockChanged" ? topics.changes : topics.orders, null, e);
  const seen = (await collectEvents(t, kafka, [topics.orders, topics.changes])).items;
  await f.store.openDrop({ dropId: "c", total: 10, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  for (const o of ["o1", "o2", "o3", "o4"]) await f.store.reserve({ dropId: "c", orderId: o, buyerId: `b-${o}`, qty: 1 });
  await f.store.confirm({ dropId: "c", orderId: "o3" });
  await f.store.expireDue("c", { nowMs: Date.now() + 2 * HOUR, limit: 100 }); // o1, o2, o4 expire (o4's confirm will fail)
  for (const o of ["p1", "p2"]) await f.store.reserve({ dropId: "c", orderId: o, buyerId: `b-${o}`, qty: 1 });

  const runner = await runCommandConsumer({ kafka, topic: topics.commands, groupId: uniqueName("inv_cmd"), store: f.store, publish, now: Date.now });
  t.teardown(() => runner.stop());
  const dup = randomUUID();
  const cmds = [confirmCmd("p1", dup), confirmCmd("p1", dup), releaseCmd("p2", "PAYMENT_FAILED"), releaseCmd("o3", "REFUNDED"), confirmCmd("o4"), confirmCmd("ghost"), releaseCmd("p2", "PAYMENT_FAILED")];
  for (const c of cmds) await producer.publish(topics.commands, null, c);
  await eventually(() => runner.stats().handled === cmds.length, 60_000);

  const events = await f.events("c");
  const of = (type: string) => events.filter((e) => e["type"] === type);
  t.same(of("confirmed").map((e) => e["orderId"]), ["o3", "p1"], "p1 confirmed once despite the redelivery");
  t.same(of("released").map((e) => [e["orderId"], e["reason"]]), [["p2", "PAYMENT_FAILED"]], "p2 released once, with the saga's reason");
  t.same(of("refunded").map((e) => e["orderId"]), ["o3"], "a sold order's release is a refund");
  t.match(await f.store.snapshot("c"), { available: 9, held: 0, sold: 1 });
  await f.assertInvariant("c");

  const failed = await eventually(() => {
    const x = seen.filter((e) => e.type === "StockConfirmFailed");
    return x.length >= 2 ? x : undefined;
  }, 30_000);
  const byOrder = [...failed].sort((a, b) => (a.payload.orderId < b.payload.orderId ? -1 : 1));
  t.same(byOrder.map((e) => [e.payload, e.causationId !== null]), [
    [{ orderId: "ghost", dropId: "c", reason: "NOT_FOUND", detail: "no hold for this order" }, true],
    [{ orderId: "o4", dropId: "c", reason: "HOLD_GONE", detail: "hold is expired" }, true],
  ]);
  t.equal(runner.stats().deadLettered, 0);
});

t.test("cart orders: one confirm for every line answers one StockConfirmed / StockConfirmFailed; one release returns every line; ledger and reconcile agree", async (t) => {
  const f = stockFixture(t);
  const { pool } = await dbFixture(t);
  const kafka = testKafka("inv_test");
  const topics = await testTopics(t, kafka, "invcart", ["orders", "changes", "commands"]);
  const { producer } = testPublisher(t, kafka, { lingerMs: 2 });
  const publish = (e: DropsEvent) => producer.publish(e.type === "StockChanged" ? topics.changes : topics.orders, null, e);
  const seen = (await collectEvents(t, kafka, [topics.orders])).items;
  const changes = (await collectEvents(t, kafka, [topics.changes])).items;
  for (const [p, total] of [["p1", 10], ["p2", 5]] as const) await f.store.openDrop({ dropId: p, total, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR, kind: "product" });
  const cart = createCartStock(f.redis, { prefix: f.prefix });
  const two: StockLine[] = [{ productId: "p1", quantity: 2 }, { productId: "p2", quantity: 1 }];
  for (const o of ["c1", "c2", "c3"]) t.match(await cart.reserveLines({ orderId: o, buyerId: `b-${o}`, lines: two }), { status: "HELD" });
  await f.store.release({ dropId: "p2", orderId: "c2", reason: "OTHER" }); // c2's second line is gone before the confirm

  const cartCmd = (type: "StockConfirmRequested" | "StockReleaseRequested", orderId: string, lines: StockLine[], id = randomUUID()): DropsEvent =>
    type === "StockConfirmRequested"
      ? newEnvelope({ type, payload: { orderId, dropId: "", quantity: 3, lines }, correlationId: orderId, now: Date.now(), id })
      : newEnvelope({ type, payload: { orderId, dropId: "", quantity: 3, reason: "PAYMENT_FAILED", lines }, correlationId: orderId, now: Date.now(), id });
  const runner = await runCommandConsumer({ kafka, topic: topics.commands, groupId: uniqueName("inv_cmd"), store: f.store, publish, now: Date.now });
  t.teardown(() => runner.stop());
  const dup = randomUUID();
  const cmds = [
    cartCmd("StockConfirmRequested", "c1", two, dup),
    cartCmd("StockConfirmRequested", "c1", two, dup), // redelivered
    cartCmd("StockConfirmRequested", "c2", two),
    cartCmd("StockReleaseRequested", "c2", two), // the saga's compensation: p1 (sold) refunded, p2 already released
    cartCmd("StockReleaseRequested", "c3", two), // a decline: both lines released
    cartCmd("StockReleaseRequested", "c3", two),
    cartCmd("StockReleaseRequested", "c1", two), // the buyer cancels after payment: both lines refunded
  ];
  for (const c of cmds) await producer.publish(topics.commands, null, c);
  await eventually(() => runner.stats().handled === cmds.length, 60_000);
  t.equal(runner.stats().deadLettered, 0);

  const answers = await eventually(() => (seen.length >= 3 ? seen : undefined), 30_000);
  t.same(answers.filter((e) => e.type === "StockConfirmed").map((e) => [e.payload, e.eventId, e.causationId]), [
    [{ orderId: "c1", dropId: "", quantity: 3 }, uuidV5(`${dup}/StockConfirmed`), dup],
    [{ orderId: "c1", dropId: "", quantity: 3 }, uuidV5(`${dup}/StockConfirmed`), dup],
  ], "one answer per delivery, the same event id (deduped by the saga)");
  t.same(answers.filter((e) => e.type === "StockConfirmFailed").map((e) => e.payload), [
    { orderId: "c2", dropId: "", reason: "HOLD_GONE", detail: "product p2: hold is released" },
  ]);

  const types = (p: string) => f.events(p).then((es) => es.map((e) => `${e["type"]}:${e["orderId"]}`));
  const p1 = (await types("p1")).slice(4).sort();
  t.same(p1, ["confirmed:c1", "confirmed:c2", "refunded:c1", "refunded:c2", "released:c3"], "p1: each move exactly once");
  const p2 = (await types("p2")).slice(4).sort();
  t.same(p2, ["confirmed:c1", "refunded:c1", "released:c2", "released:c3"], "p2: each move exactly once");
  t.match(await f.store.snapshot("p1"), { available: 10, held: 0, sold: 0 });
  t.match(await f.store.snapshot("p2"), { available: 5, held: 0, sold: 0 });
  for (const p of ["p1", "p2"]) await f.assertInvariant(p);

  // The relay: every entry to the ledger and the snapshot; nothing per line on drops.inventory.
  const relay = createStockRelay({ redis: f.redis, prefix: f.prefix, publish, sinks: [ledgerSink(pool)], blockMs: 50 });
  t.teardown(() => relay.stop());
  relay.start();
  await eventually(async () => (await ledgerCounters(pool, "p1")).rows === 9 && (await ledgerCounters(pool, "p2")).rows === 8, 30_000);
  t.match(await ledgerCounters(pool, "p1"), { total: 10, available: 10, held: 0, sold: 0 });
  const report = await reconcile({ redis: f.redis, pool, prefix: f.prefix });
  t.ok(report.ok, JSON.stringify(report.reports.flatMap((r) => r.problems)));
  t.same(report.reports.map((r) => r.dropId), ["p1", "p2"]);
  await eventually(() => changes.some((e) => e.type === "StockChanged" && e.payload.dropId === "p1" && e.payload.sold === 0 && e.payload.available === 10), 30_000);
  t.same(seen.filter((e) => !["StockConfirmed", "StockConfirmFailed"].includes(e.type)), [], "no product entry reached drops.inventory");
});

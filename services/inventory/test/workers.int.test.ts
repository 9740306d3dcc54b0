import t from "tap";
import { randomUUID } from "node:crypto";
import { newEnvelope } from "@drops/events";
import type { DropsEvent, StockReleaseReason } from "@drops/events";
import { eventually } from "@drops/testing";
import { collectEvents, testKafka, testPublisher, testTopics } from "@drops/kafka/testing";
import { stockFixture, HOUR } from "./stock-fixture.ts";
import { runCommandConsumer } from "../src/workers.ts";
import { uniqueName } from "@drops/testing";

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

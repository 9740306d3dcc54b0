/**
 * The stock-figures handler on real Kafka (a unique topic) and PostgreSQL, through runConsumer:
 * search follows the inventory's snapshots, only newer ones apply, poison ends in the dead letters.
 */
import t from "tap";
import type { StockChanged } from "@drops/events";
import { silentLogger } from "@drops/kafka";
import { collectMessages, headerOf, runTestConsumer, testEnvelope, testKafka, testPublisher, testTopic } from "@drops/kafka/testing";
import { eventually } from "@drops/testing";
import { updateStockOnStockChanged } from "../../src/handlers/update-stock-on-stock-changed.ts";
import { inSeconds, testCatalog } from "../helpers.ts";

t.test("StockChanged keeps the drops' and products' figures that search reads", async (t) => {
  const c = await testCatalog(t);
  const s = await c.seller();
  const drop = async (name: string, units: number) => {
    const productId = await c.product(s, { name, description: "limited" });
    const res = await c.call("POST", "/drops", { who: s, body: { productId, startsAt: inSeconds(0), units, perBuyerLimit: 2, holdSeconds: 60 } });
    return res.json<{ dropId: string }>().dropId;
  };
  const gone = await drop("Vinyl gone", 10);
  const left = await drop("Vinyl left", 10);
  const cartProduct = await c.product(s, { name: "Sticker", description: "cart stock", stock: 50 });

  const kafka = testKafka("catalog_stock");
  const { topic, dlq } = await testTopic(t, kafka, "catalog_stock_changes");
  const runner = await runTestConsumer(t, { kafka, topics: [topic], logger: silentLogger, handlers: { StockChanged: updateStockOnStockChanged(c.db, silentLogger) } }, { concurrency: 4 });
  const { publish, producer } = testPublisher(t, kafka);
  const snapshot = (dropId: string, available: number, sold: number, seq: number, status: StockChanged["status"] = "OPEN") =>
    testEnvelope("StockChanged", { dropId, available, held: 0, sold, total: available + sold, status, seq });
  const search = async (query: string) => (await c.call("GET", `/drops?${query}`)).json<{ items: { dropId: string; available: number }[]; total: number }>();
  const ids = async (query: string) => (await search(query)).items.map((i) => i.dropId).sort();

  t.same(await ids("status=open"), [gone, left].sort(), "before any snapshot both are open (available = units)");
  await publish(topic, snapshot(gone, 0, 10, 100, "SOLD_OUT"));
  await publish(topic, snapshot(left, 4, 6, 100));
  // Both snapshots applied (concurrency 4: either may land first).
  const figures = async () => (await search("sort=available")).items.map((i) => [i.dropId, i.available]);
  await eventually(async () => JSON.stringify(await figures()) === JSON.stringify([[left, 4], [gone, 0]]), 20_000).catch(() => undefined);
  t.same(await ids("status=open"), [left], "the sold-out drop left ?status=open once its snapshot arrived");
  t.same(await ids("status=sold_out"), [gone]);
  t.same(await figures(), [[left, 4], [gone, 0]], "sort=available on live figures");

  // An older snapshot and a redelivery change nothing.
  const handled = runner.stats().handled;
  await publish(topic, snapshot(gone, 3, 7, 99));
  await publish(topic, snapshot(gone, 0, 10, 100, "SOLD_OUT"));
  await eventually(() => runner.stats().handled >= handled + 2, 20_000);
  t.same(await ids("status=sold_out"), [gone], "still sold out");

  // Units back on sale (a refund): open again.
  await publish(topic, snapshot(gone, 1, 9, 101));
  await eventually(async () => (await ids("status=open")).length === 2, 20_000);
  t.pass("a later snapshot with units back reopens it");

  // A paused drop (status from the snapshot).
  await publish(topic, snapshot(left, 4, 6, 102, "PAUSED"));
  await eventually(async () => (await ids("status=paused")).includes(left), 20_000);
  t.notOk((await ids("status=open")).includes(left), "paused is not open");

  // A product's cart stock (its id is the product id).
  await publish(topic, snapshot(cartProduct, 41, 9, 200));
  await eventually(async () => {
    const r = (await c.call("GET", "/products?q=sticker")).json<{ items: { stock: { available: number } }[] }>();
    return r.items[0]?.stock.available === 41;
  }, 20_000);
  t.pass("the product's available follows its snapshots");

  // Poison: bytes that do not decode, and a snapshot that cannot be a stock item's, are dead-lettered; the consumer goes on.
  const dead = await collectMessages(t, kafka, dlq);
  await producer.publishRaw(topic, { key: gone, value: Buffer.from("not avro"), headers: { "event-type": "StockChanged", "event-version": "1" } });
  await publish(topic, snapshot("not-a-uuid", 1, 0, 1), gone);
  await dead.waitFor(2, 20_000);
  const reasons = dead.items.map((m) => headerOf(m, "dlq-reason") ?? "");
  t.equal(reasons.filter((r) => r === "HANDLER_FAILED").length, 1, `one refused by the handler (${reasons.join(", ")})`);
  t.equal(reasons.filter((r) => r !== "HANDLER_FAILED" && r !== "").length, 1, "one refused by the decoder");
  t.ok(dead.items.some((m) => headerOf(m, "dlq-error")?.includes("MalformedSnapshotError")), "the malformed snapshot's error names it");
  await publish(topic, snapshot(left, 4, 6, 103));
  await eventually(async () => (await ids("status=open")).includes(left), 20_000);
  t.pass("later snapshots still apply after the dead letters");
});

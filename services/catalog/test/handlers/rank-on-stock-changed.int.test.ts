/**
 * The rankings handler on real Kafka (a unique topic), Redis (a unique key prefix) and PostgreSQL:
 * sold units per drop and per product (its drops and its cart stock together), refunds subtract,
 * replays and older snapshots change nothing, ids of no drop or product are ignored.
 */
import { randomUUID } from "node:crypto";
import t from "tap";
import type { StockChanged } from "@drops/events";
import { silentLogger } from "@drops/kafka";
import { runTestConsumer, testEnvelope, testKafka, testPublisher, testTopic } from "@drops/kafka/testing";
import { createRedis, deleteKeysWithPrefix } from "@drops/redis";
import { eventually, testEnv, uniqueName } from "@drops/testing";
import { rankOnStockChanged } from "../../src/handlers/rank-on-stock-changed.ts";
import { createRankings, dropRanking, productRanking } from "../../src/store/rankings.ts";
import { inSeconds, testCatalog } from "../helpers.ts";

t.test("rankings: most sold first, per drop and per product, idempotent per snapshot", async (t) => {
  const c = await testCatalog(t);
  const s = await c.seller();
  const tee = await c.product(s, { name: "Tee", description: "cotton", stock: 100 });
  const cap = await c.product(s, { name: "Cap", description: "wool" });
  const unsold = await c.product(s, { name: "Pin", description: "enamel" });
  const dropOf = async (productId: string) =>
    (await c.call("POST", "/drops", { who: s, body: { productId, startsAt: inSeconds(0), units: 50, perBuyerLimit: 5, holdSeconds: 60 } })).json<{ dropId: string }>().dropId;
  const teeDrop = await dropOf(tee);
  const capDrop = await dropOf(cap);
  const pinDrop = await dropOf(unsold);

  const redis = createRedis(testEnv.redisUrl);
  const prefix = `${uniqueName("catalog_rank")}:`;
  t.teardown(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });
  const rankings = createRankings(redis, prefix);
  const kafka = testKafka("catalog_rank");
  const { topic } = await testTopic(t, kafka, "catalog_rank_stock_changes");
  const runner = await runTestConsumer(t, { kafka, topics: [topic], logger: silentLogger, handlers: { StockChanged: rankOnStockChanged(c.db, rankings) } }, { concurrency: 4 });
  const { publish } = testPublisher(t, kafka);
  const sold = (dropId: string, units: number, seq: number, total = 50): ReturnType<typeof testEnvelope<"StockChanged">> => {
    const payload: StockChanged = { dropId, available: total - units, held: 0, sold: units, total, status: "OPEN", seq };
    return testEnvelope("StockChanged", payload);
  };
  const settle = async (n: number) => {
    const target = runner.stats().handled + n;
    return () => eventually(() => runner.stats().handled >= target, 20_000);
  };

  let done = await settle(5);
  await publish(topic, sold(teeDrop, 3, 10));
  await publish(topic, sold(capDrop, 5, 10));
  await publish(topic, sold(tee, 6, 10, 100)); // the tee's cart stock
  await publish(topic, sold(pinDrop, 0, 10));
  await publish(topic, sold(randomUUID(), 40, 10)); // not this catalog's
  await done();
  t.same(await dropRanking(c.db, rankings, 10), { items: [{ dropId: capDrop, name: "Cap", score: 5 }, { dropId: teeDrop, name: "Tee", score: 3 }] }, "drops by sold units; nothing sold, nothing listed");
  t.same(await productRanking(c.db, rankings, 10), { items: [{ productId: tee, name: "Tee", score: 9 }, { productId: cap, name: "Cap", score: 5 }] }, "a product: its drop's and its cart stock's units");
  t.same((await dropRanking(c.db, rankings, 1)).items.map((i) => i.dropId), [capDrop], "limit");

  done = await settle(3);
  await publish(topic, sold(teeDrop, 1, 11)); // two refunded after confirmation
  await publish(topic, sold(teeDrop, 3, 10)); // a replay of the older snapshot
  await publish(topic, sold(capDrop, 5, 9)); // an older one arriving late
  await done();
  t.same((await productRanking(c.db, rankings, 10)).items.map((i) => [i.productId, i.score]), [[tee, 7], [cap, 5]], "a refund subtracts; replays and stale snapshots do not count");
  t.same((await dropRanking(c.db, rankings, 10)).items.map((i) => [i.dropId, i.score]), [[capDrop, 5], [teeDrop, 1]]);

  done = await settle(1);
  await publish(topic, sold(capDrop, 0, 12)); // every unit refunded
  await done();
  t.same((await dropRanking(c.db, rankings, 10)).items.map((i) => i.dropId), [teeDrop], "back to 0: off the ranking");
  t.same((await productRanking(c.db, rankings, 10)).items.map((i) => i.productId), [tee]);
});

t.test("GET /rankings/*: limit 1..100, default 10", async (t) => {
  const c = await testCatalog(t);
  for (const kind of ["drops", "products"]) {
    for (const bad of ["limit=0", "limit=101", "limit=x", "extra=1"]) {
      const res = await c.call("GET", `/rankings/${kind}?${bad}`);
      t.equal(res.statusCode, 400, `${kind} ${bad}`);
      t.equal(res.json().code, "VALIDATION_FAILED");
    }
  }
});

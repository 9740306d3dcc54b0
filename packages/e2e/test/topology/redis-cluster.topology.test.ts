/**
 * Issue 14: the stock on a Redis Cluster. A scratch cluster of three masters and three replicas
 * (@drops/testing/redis-cluster) is the stack's stock Redis (STOCK_REDIS_CLUSTER_NODES: inventory,
 * gateway and cart on ioredis' Cluster client); Redlock, carts and the live push stay on the shared
 * Redis. Every process runs as in production (two inventory and two order instances), the purchase
 * goes through the gateway's reserve script on the cluster, the saga through Kafka.
 */
import t from "tap";
import { createRedis, createStockRedis } from "@drops/redis";
import { startRedisCluster, type ScratchRedisCluster } from "@drops/testing/redis-cluster";
import { acceptedOf, api, attempt, expectAllConfirmed, faultBuyers, setUpDrop, sleepUntil, startStack, statusCounts } from "../../src/index.ts";
import type { Api, Stack } from "../../src/index.ts";

let cluster: ScratchRedisCluster | undefined;
let stack: Stack | undefined;
let client: Api;

t.before(async () => {
  cluster = await startRedisCluster({ masters: 3, replicas: 1 });
  stack = await startStack({
    instances: { inventory: 2, order: 2 },
    infra: { stockRedisClusterNodes: cluster.nodes },
    env: { order: { PAYMENT_LATENCY_MS: "20", PAYMENT_DECLINE_RATE: "0" } },
  });
  client = api(stack.gatewayUrl);
});

t.teardown(async () => {
  await stack?.stop();
  await cluster?.stop();
});

t.test("300 buyers for 100 units (limit 1) on the Redis Cluster: exactly 100 sold, all confirmed, consistent", async (t) => {
  const s = stack!;
  const drop = await setUpDrop(client, { units: 100, perBuyerLimit: 1, holdSeconds: 120, startsInMs: 3000 }).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${s.logs()}`);
  });
  const metaKey = `${s.id}:{drop:${drop.dropId}}:meta`;
  const stock = createStockRedis({ url: s.infra.redisUrl, clusterNodes: cluster!.nodes });
  const shared = createRedis(s.infra.redisUrl);
  t.teardown(async () => {
    await stock.quit();
    await shared.quit();
  });

  await sleepUntil(drop.startsAt);
  const startedAt = Date.now();
  const attempts = await Promise.all(faultBuyers(300).map((b) => attempt(client, drop.dropId, b)));
  t.same(statusCounts(attempts), { "201": 100, "409 SOLD_OUT": 200 }, "100 held, 200 sold out, no error");
  const outcome = await expectAllConfirmed(t, s, client, drop, acceptedOf(attempts), 100, startedAt);
  t.same({ sold: outcome.sold, confirmed: outcome.confirmed, held: outcome.held, available: outcome.available }, { sold: 100, confirmed: 100, held: 0, available: 0 }, "exactly 100 sold and confirmed, nothing held or left");
  t.comment(`300 buyers, 100 units on the cluster: ${JSON.stringify(outcome.statuses)} in ${outcome.ms} ms`);

  t.equal(await stock.hget(metaKey, "sold"), "100", "the drop's stock is on the cluster");
  t.equal(await shared.exists(metaKey), 0, "and not on the shared Redis (REDIS_URL)");

  // the inventory's gauges read every drop with a pipeline of its own on a cluster (one slot each)
  const metrics = await (await fetch(`${s.instance("inventory").url}/metrics`)).text();
  t.match(metrics, new RegExp(`drops_stock_sold\\{[^}]*drop_id="${drop.dropId}"[^}]*\\} 100\\b`), "the gauges read the drop's figures on the cluster");
});

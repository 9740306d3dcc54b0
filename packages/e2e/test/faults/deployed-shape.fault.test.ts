/**
 * Issue 14 and 12 together, the shape the platform is deployed in: three of every service behind a
 * real HAProxy (balancer.ts), the stock on a Redis Cluster of three masters and three replicas
 * (@drops/testing/redis-cluster, STOCK_REDIS_CLUSTER_NODES), Kafka on three brokers (topics replicated
 * 3, min.insync.replicas 2) and a PostgreSQL, all of this test's own. 300 buyers race for 100 units
 * through the balancer while the broker leading the drop's stock partition is killed with -9; it is
 * restarted after 8 s. Exactly 100 sold, the other 200 SOLD_OUT, no 5xx and no unanswered request,
 * every accepted order confirmed (none cancelled, none lost, none applied twice), consistent.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createKafka, partitionOf } from "@drops/kafka";
import { startRedisCluster, type ScratchRedisCluster } from "@drops/testing/redis-cluster";
import t from "tap";
import { acceptedOf, api, expectAllConfirmed, FAULT_ENV, faultBuyers, setUpDrop, sleepUntil, startBalancedStack, startScratchInfra, statusCounts, wave } from "../../src/index.ts";
import type { Api, Balancer, ScratchInfra, Stack } from "../../src/index.ts";

t.setTimeout(900_000);

let scratch: ScratchInfra;
let cluster: ScratchRedisCluster;
let stack: Stack;
let balancer: Balancer;
let client: Api;

t.before(async () => {
  const started = Date.now();
  [scratch, cluster] = await Promise.all([startScratchInfra({ kafka: true, kafkaBrokers: 3, postgres: true }), startRedisCluster({ masters: 3, replicas: 1 })]);
  ({ stack, balancer } = await startBalancedStack({
    infra: { ...scratch.infra, stockRedisClusterNodes: cluster.nodes },
    instances: { catalog: 3, inventory: 3, order: 3, notification: 3, cart: 3, gateway: 3 },
    readyTimeoutMs: 240_000,
    env: { order: { ...FAULT_ENV.order, PAYMENT_DECLINE_RATE: "0" } },
  }));
  client = api(balancer.url("gateway"));
  t.comment(`18 processes, HAProxy, 3 brokers and 6 Redis nodes ready in ${Date.now() - started} ms`);
});

t.teardown(async () => {
  await stack?.stop().catch(() => undefined);
  await balancer?.stop();
  await scratch?.stop();
  await cluster?.stop();
});

t.test("300 buyers for 100 units through HAProxy, stock on a Redis Cluster, a Kafka broker of three killed mid-drop", async (t) => {
  const units = 100;
  const started = Date.now();
  const drop = await setUpDrop(client, { units, perBuyerLimit: 1, holdSeconds: 300, startsInMs: 2000 });
  const admin = createKafka({ clientId: "deployed-shape-fault", brokers: scratch.infra.kafkaBrokers }).admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const stockTopic = `${stack.prefix}drops.stock-changes`;
  const { topics } = await admin.fetchTopicMetadata({ topics: [stockTopic] });
  const layout = topics[0]!.partitions;
  const victim = layout.find((p) => p.partitionId === partitionOf(drop.dropId, layout.length))!.leader;
  t.comment(`victim: broker ${victim}, leader of the drop's stock partition`);
  await sleepUntil(drop.startsAt);
  const inFlight = wave(client, drop.dropId, faultBuyers(300), 100);
  await sleep(500);
  const down = Date.now();
  await scratch.killKafkaBroker(victim);
  const attempts = await inFlight;
  await sleep(Math.max(0, 8_000 - (Date.now() - down)));
  await scratch.startKafkaBroker(victim);
  t.comment(`broker ${victim} down for ${Date.now() - down} ms; answers: ${JSON.stringify(statusCounts(attempts))}`);
  t.same(attempts.filter((a) => a.reply === null || a.reply.status >= 500).map((a) => a.error ?? a.reply?.status), [], "every purchase answered through the balancer, no 5xx");
  const accepted = acceptedOf(attempts);
  t.equal(accepted.length, units, "exactly 100 accepted");
  t.equal(attempts.filter((a) => a.reply?.status === 409 && a.reply.body.code === "SOLD_OUT").length, 200, "the other 200 SOLD_OUT");
  const out = await expectAllConfirmed(t, stack, client, drop, accepted, units, started);
  t.equal(out.sold, units, "100 sold");
  t.comment(`deployed shape: ${JSON.stringify(out)}`);
});

/**
 * Fault suite, Kafka on three brokers: a scratch KRaft cluster of three nodes (KAFKA_BROKERS_COUNT=3
 * of scripts/infra.sh; topics replicated 3 with min.insync.replicas 2, producers acks=all and
 * idempotent). The broker that leads the drop's stock partition is killed with -9 mid-drop, buyers
 * keep buying while it is down, then it is started again on its data. With two of three replicas in
 * sync every write still commits: every purchase answered, every accepted order confirmed (none
 * cancelled, none lost, none applied twice), the stock consistent, and the restarted broker back in
 * every partition's in-sync replicas. Then the producer alone: batches over every partition while a
 * broker is killed, every acked message in the topic (kafkajs lost some: tulios/kafkajs#1303, patched).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createKafka, createProducer, ensureTopics, partitionOf } from "@drops/kafka";
import { eventually } from "@drops/testing";
import t from "tap";
import { acceptedOf, api, expectAllConfirmed, FAULT_ENV, faultBuyers, setUpDrop, sleepUntil, startScratchInfra, startStack, statusCounts, wave } from "../../src/index.ts";
import type { Api, ScratchInfra, Stack } from "../../src/index.ts";

t.setTimeout(600_000);

/** kafkajs's ConfigResourceTypes.TOPIC. */
const TOPIC_RESOURCE = 2;

let scratch: ScratchInfra;
let stack: Stack;
let client: Api;
let admin: ReturnType<ReturnType<typeof createKafka>["admin"]>;

t.before(async () => {
  scratch = await startScratchInfra({ kafka: true, kafkaBrokers: 3 });
  stack = await startStack({ instances: { order: 2 }, env: FAULT_ENV, infra: scratch.infra });
  client = api(stack.gatewayUrl);
  admin = createKafka({ clientId: "three-brokers-fault", brokers: scratch.infra.kafkaBrokers }).admin();
  await admin.connect();
});

t.teardown(async () => {
  await admin?.disconnect().catch(() => undefined);
  await stack?.stop().catch(() => undefined);
  await scratch?.stop();
});

/** Every partition of the stack's topics and of the consumer offsets: its replicas and in-sync replicas. */
async function partitions(): Promise<{ topic: string; partition: number; leader: number; replicas: number[]; isr: number[] }[]> {
  const names = (await admin.listTopics()).filter((n) => n.startsWith(stack.prefix) || n === "__consumer_offsets");
  const { topics } = await admin.fetchTopicMetadata({ topics: names });
  return topics.flatMap((tp) => tp.partitions.map((p) => ({ topic: tp.name, partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr })));
}

t.test("the cluster: three brokers, the stack's topics and the consumer offsets replicated 3 with min.insync.replicas 2", async (t) => {
  t.equal((await admin.describeCluster()).brokers.length, 3, "three brokers");
  const all = await partitions();
  t.ok(all.some((p) => p.topic === "__consumer_offsets"), "the consumer offsets exist (the stack's groups joined)");
  t.same(all.filter((p) => p.replicas.length !== 3).map((p) => `${p.topic}/${p.partition}`), [], "every partition on three replicas");
  const topics = [`${stack.prefix}drops.orders`, `${stack.prefix}drops.orders.dlq`, "__consumer_offsets"];
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: TOPIC_RESOURCE, name, configNames: ["min.insync.replicas"] })) });
  t.same(resources.map((r) => [r.resourceName, r.configEntries.find((e) => e.configName === "min.insync.replicas")?.configValue]), topics.map((n) => [n, "2"]), "min.insync.replicas 2");
});

t.test("one of three brokers killed (-9) mid-drop and restarted: purchases answered, every accepted order confirmed", async (t) => {
  const units = 30;
  const started = Date.now();
  const drop = await setUpDrop(client, { units, perBuyerLimit: 1, holdSeconds: 180, startsInMs: 1500 });
  // The victim: the leader of the drop's partition of the stock-changes topic (keyed by drop id);
  // the saga topics are keyed by order id, so it leads some of every drop's order partitions too.
  const stockTopic = `${stack.prefix}drops.stock-changes`;
  const layout = (await partitions()).filter((p) => p.topic === stockTopic);
  const victim = layout.find((p) => p.partition === partitionOf(drop.dropId, layout.length))!.leader;
  const led = (await partitions()).filter((p) => p.leader === victim).length;
  const controller = (await admin.describeCluster()).controller;
  t.comment(`victim: broker ${victim} (leads ${led} partitions${controller === victim ? ", the active controller" : ""})`);
  await sleepUntil(drop.startsAt);
  const [before, during, whileDown, after] = [faultBuyers(15), faultBuyers(15), faultBuyers(10), faultBuyers(10)];
  const first = await wave(client, drop.dropId, before);
  const inFlight = wave(client, drop.dropId, during, 10);
  await sleep(200);
  const down = Date.now();
  await scratch.killKafkaBroker(victim);
  const second = await inFlight;
  // Buying goes on with the broker down, past the order consumers' session timeout (6 s).
  const third = await wave(client, drop.dropId, whileDown, 2);
  await sleep(Math.max(0, 8_000 - (Date.now() - down)));
  t.comment(`broker ${victim} down for ${Date.now() - down} ms`);
  await scratch.startKafkaBroker(victim);
  const fourth = await wave(client, drop.dropId, after);
  const all = [...first, ...second, ...third, ...fourth];
  t.comment(`answers: ${JSON.stringify(statusCounts(all))}`);
  t.equal(all.filter((a) => a.reply === null || a.reply.status >= 500).length, 0, "every purchase answered while a broker was down, no 5xx");
  const out = await expectAllConfirmed(t, stack, client, drop, acceptedOf(all), units, started);
  t.comment(`one of three brokers kill -9 + restart: ${JSON.stringify(out)}`);
  await eventually(async () => (await partitions()).every((p) => p.isr.length === 3), 120_000, 500).catch(async () => {
    throw new Error(`partitions not back to 3 in-sync replicas: ${JSON.stringify((await partitions()).filter((p) => p.isr.length !== 3))}`);
  });
  t.pass(`broker ${victim} back in every partition's in-sync replicas`);
});

t.test("the producer on three brokers: batches over every partition while a broker is killed (-9), every acked message kept", async (t) => {
  const kafka = createKafka({ clientId: "three-brokers-producer", brokers: scratch.infra.kafkaBrokers });
  const topic = `${stack.prefix}producer-check`;
  await ensureTopics(kafka, [{ topic, numPartitions: 6 }]);
  const producer = createProducer(kafka, { lingerMs: 1_000, maxBatch: 30 });
  const started = Date.now();
  let acked = 0;
  let n = 0;
  const victim = 2;
  const kill = sleep(2_000).then(() => scratch.killKafkaBroker(victim));
  // Each batch of 30 keys spans the six partitions, so it goes to every broker at once.
  while (Date.now() - started < 15_000) {
    const batch = Array.from({ length: 30 }, () => producer.publishRaw(topic, { key: `k${n++}`, value: "x" }));
    await Promise.all(batch);
    acked += batch.length;
  }
  await kill;
  await producer.close();
  const inTopic = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  t.comment(`${acked} messages acked across the kill of broker ${victim}, ${inTopic} in the topic`);
  t.ok(acked > 0, "messages were sent");
  t.ok(inTopic >= acked, "every acked message is in the topic (duplicates allowed, nothing lost)");
  await scratch.startKafkaBroker(victim);
});

import type { ITopicConfig, Kafka } from "kafkajs";

export type EnsureTopicSpec = { topic: string; numPartitions: number; replicationFactor?: number; configEntries?: { name: string; value: string }[] };

/** How new topics are replicated: a factor (-1 = the broker's default.replication.factor) and min.insync.replicas (absent = the broker's). */
export type TopicReplication = { replicationFactor: number; minInsyncReplicas?: number };

/**
 * The replication for a cluster of `brokers`: on three or more, 3 copies with min.insync.replicas 2
 * (an acks=all write is on two brokers at least, and one broker may be down while writes go on);
 * below three, the broker's own defaults (one broker: 1 and 1, as scripts/infra.sh configures it).
 */
export function replicationFor(brokers: number): TopicReplication {
  return brokers >= 3 ? { replicationFactor: 3, minInsyncReplicas: 2 } : { replicationFactor: -1 };
}

/** A spec's topic as created: its own factor and min.insync.replicas when it names them, else `replication`'s. */
export function topicConfig(spec: EnsureTopicSpec, replication: TopicReplication): ITopicConfig {
  const entries = spec.configEntries ?? [];
  const minIsr = replication.minInsyncReplicas;
  const withIsr = minIsr === undefined || entries.some((e) => e.name === "min.insync.replicas") ? entries : [...entries, { name: "min.insync.replicas", value: String(minIsr) }];
  return { topic: spec.topic, numPartitions: spec.numPartitions, replicationFactor: spec.replicationFactor ?? replication.replicationFactor, configEntries: withIsr };
}

/**
 * Creates the topics that do not exist yet (existing ones are left as they are), then waits until
 * the cluster's metadata shows every topic with all its partitions led. Replication: what
 * `opts.replication` names, the rest from replicationFor(the brokers the cluster shows now: a broker
 * that is down then is not counted); a spec's own replicationFactor wins. Resolves to the replication used.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly EnsureTopicSpec[], opts: { timeoutMs?: number; replication?: Partial<TopicReplication> } = {}): Promise<TopicReplication> {
  const given = opts.replication ?? {};
  if (specs.length === 0) return { replicationFactor: -1, ...given };
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const toCreate = specs.filter((s) => !existing.has(s.topic));
    const named = given.replicationFactor !== undefined && given.minInsyncReplicas !== undefined;
    const fromCluster = toCreate.length > 0 && !named ? replicationFor((await admin.describeCluster()).brokers.length) : { replicationFactor: -1 };
    const replication: TopicReplication = { ...fromCluster, ...given };
    const missing: ITopicConfig[] = toCreate.map((s) => topicConfig(s, replication));
    // createTopics ignores TOPIC_ALREADY_EXISTS, so a concurrent creator is not an error.
    // waitForLeaders is off: on a KRaft broker kafkajs's wait sees a transient
    // UNKNOWN_TOPIC_OR_PARTITION and fails instead of retrying; the loop below waits instead.
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: false });

    const names = specs.map((s) => s.topic);
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    for (;;) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        const ready = topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
        if (ready && topics.length === names.length) return replication;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error(`topics not ready after ${opts.timeoutMs ?? 30_000} ms: ${names.join(", ")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

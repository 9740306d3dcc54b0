import type { ITopicConfig, Kafka } from "kafkajs";

export type EnsureTopicSpec = { topic: string; numPartitions: number; replicationFactor?: number; configEntries?: { name: string; value: string }[] };

/**
 * Creates the topics that do not exist yet (existing ones are left as they are), then waits until
 * the cluster's metadata shows every topic with all its partitions led.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly EnsureTopicSpec[], opts: { timeoutMs?: number } = {}): Promise<void> {
  if (specs.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing: ITopicConfig[] = specs
      .filter((s) => !existing.has(s.topic))
      .map((s) => ({ topic: s.topic, numPartitions: s.numPartitions, replicationFactor: s.replicationFactor ?? -1, configEntries: s.configEntries ?? [] }));
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
        if (ready && topics.length === names.length) return;
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

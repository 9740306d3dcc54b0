/**
 * Kafka consumer lag and dead letters as gauges, read with the admin API every `intervalMs` (never at
 * scrape time, never per message):
 * - `drops_kafka_consumer_lag{group, topic}`: the sum over the topic's partitions of (high-water mark -
 *   the group's committed offset; a partition the group never committed counts from the low mark);
 * - `drops_kafka_dead_letters{topic}`: messages on each dead-letter topic (high - low water marks).
 * Labels are the configured groups and topics (bounded). Takes a kafkajs Admin (structurally, so this
 * package needs no Kafka client); the caller connects and disconnects it.
 */
import { meter } from "./index.ts";

type PartitionOffsets = { partition: number; offset: string; high?: string; low?: string };

export type KafkaLagAdmin = {
  fetchTopicOffsets(topic: string): Promise<Array<{ partition: number; offset: string; high: string; low: string }>>;
  fetchOffsets(options: { groupId: string; topics: string[] }): Promise<Array<{ topic: string; partitions: PartitionOffsets[] }>>;
  listGroups(): Promise<{ groups: Array<{ groupId: string }> }>;
};

export type KafkaLagOptions = {
  admin: KafkaLagAdmin;
  /**
   * Consumer groups (as the broker names them) and the topics each may read; a function is asked on
   * every read (e.g. every group whose name starts with the stack's prefix). A topic the group never
   * committed an offset on is not reported (it does not read it).
   */
  groups: ReadonlyArray<{ groupId: string; topics: readonly string[] }> | ((admin: KafkaLagAdmin) => Promise<ReadonlyArray<{ groupId: string; topics: readonly string[] }>>);
  /** Dead-letter topics to count. */
  deadLetterTopics?: readonly string[];
  intervalMs?: number;
  onError?: (err: unknown) => void;
};

/**
 * Starts polling; returns stop(). The first read happens right away. stop() resolves once a read in
 * flight has ended, so the caller can then disconnect the admin client without a read reconnecting it.
 */
export function watchKafkaLag(opts: KafkaLagOptions): { stop: () => Promise<void>; refresh: () => Promise<void> } {
  const lag = new Map<string, { group: string; topic: string; value: number }>();
  const dead = new Map<string, number>();
  const m = meter();
  const lagGauge = m.createObservableGauge("drops_kafka_consumer_lag", { description: "messages not yet committed by the group, per topic" });
  const deadGauge = m.createObservableGauge("drops_kafka_dead_letters", { description: "messages on the dead-letter topic" });
  const onLag = (r: { observe: (v: number, a: Record<string, string>) => void }) => {
    for (const v of lag.values()) r.observe(v.value, { group: v.group, topic: v.topic });
  };
  const onDead = (r: { observe: (v: number, a: Record<string, string>) => void }) => {
    for (const [topic, v] of dead) r.observe(v, { topic });
  };
  lagGauge.addCallback(onLag);
  deadGauge.addCallback(onDead);

  const ends = async (topic: string) => {
    const parts = await opts.admin.fetchTopicOffsets(topic);
    return new Map(parts.map((p) => [p.partition, { high: Number(p.high), low: Number(p.low) }]));
  };

  async function refresh(): Promise<void> {
    const marks = new Map<string, Map<number, { high: number; low: number }>>();
    const marksOf = async (topic: string) => {
      let m = marks.get(topic);
      if (m === undefined) marks.set(topic, (m = await ends(topic)));
      return m;
    };
    const groups = typeof opts.groups === "function" ? await opts.groups(opts.admin) : opts.groups;
    for (const g of groups) {
      const committed = await opts.admin.fetchOffsets({ groupId: g.groupId, topics: [...g.topics] });
      for (const t of committed) {
        if (!t.partitions.some((p) => Number(p.offset) >= 0)) continue;
        const topicMarks = await marksOf(t.topic);
        let total = 0;
        for (const p of t.partitions) {
          const mark = topicMarks.get(p.partition);
          if (mark === undefined) continue;
          const at = Number(p.offset);
          total += Math.max(0, mark.high - (at >= 0 ? at : mark.low));
        }
        lag.set(`${g.groupId}\u0000${t.topic}`, { group: g.groupId, topic: t.topic, value: total });
      }
    }
    for (const topic of opts.deadLetterTopics ?? []) {
      let total = 0;
      for (const mark of (await marksOf(topic)).values()) total += Math.max(0, mark.high - mark.low);
      dead.set(topic, total);
    }
  }

  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= refresh().catch((err: unknown) => opts.onError?.(err)).finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs ?? 10_000);
  timer.unref();
  return {
    refresh: async () => {
      await running;
      await refresh();
    },
    stop: async () => {
      clearInterval(timer);
      lagGauge.removeCallback(onLag);
      deadGauge.removeCallback(onDead);
      await running;
    },
  };
}

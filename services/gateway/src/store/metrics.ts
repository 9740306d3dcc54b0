/**
 * The gateway's metrics (@drops/telemetry; names are the dashboard's contract, infra/grafana):
 * - `drops_purchase_attempts_total{outcome, path}`: every purchase attempt that got an answer from the
 *   purchase path: path="flag" for the in-memory sold-out answer (no Redis), "redis" for the reserve
 *   script's; outcome held | replay | sold_out | limit_reached | not_open | paused | closed |
 *   unavailable | rejected (own drop, admission invalid). Hot counters: `series.value++`, nothing else.
 * - `drops_reserve_duration_seconds{script}`: the reserve script's round trip (reserve, reserve_admitted).
 * - `drops_sse_connections`: SSE streams open on this instance.
 * - `drops_kafka_consumer_lag{group, topic}`, `drops_kafka_dead_letters{topic}`: read with the Kafka admin
 *   API every 10 s (one reader per gateway; the dashboard takes the max over instances).
 */
import { LATENCY_BUCKETS_SECONDS, hotCounter, hotHistogram, meter, watchKafkaLag, type KafkaLagAdmin } from "@drops/telemetry";
import { TOPIC_PREFIX, dlqTopic, topicList } from "@drops/events";
import type { KafkaClient } from "@drops/clients";
import type { ReserveResult } from "../domain/purchase-outcome.ts";

const attempts = hotCounter("drops_purchase_attempts", "purchase attempts answered, by outcome and path (flag: the sold-out flag, no Redis)");
const reserve = hotHistogram("drops_reserve_duration_seconds", "round trip of the inventory's reserve script from the gateway", "s", LATENCY_BUCKETS_SECONDS);

const redis = (outcome: string) => attempts.series({ outcome, path: "redis" });
const BY_STATUS = {
  HELD: redis("held"),
  DUPLICATE: redis("replay"),
  SOLD_OUT: redis("sold_out"),
  LIMIT_REACHED: redis("limit_reached"),
  NOT_OPEN: redis("not_open"),
  PAUSED: redis("paused"),
  CLOSED: redis("closed"),
} as const;
const replayHeld = redis("replay");

/** Pre-resolved series of the purchase path: recording is one increment or one bucket search. */
export const purchaseMetrics = {
  flagSoldOut: attempts.series({ outcome: "sold_out", path: "flag" }),
  unavailable: redis("unavailable"),
  rejected: redis("rejected"),
  reserveLatency: reserve.series({ script: "reserve" }),
  reserveAdmittedLatency: reserve.series({ script: "reserve_admitted" }),
  outcome(result: ReserveResult): void {
    if (result.status === "HELD" && result.replay) replayHeld.inc();
    else BY_STATUS[result.status].inc();
  },
};

/** The gateway's gauges: SSE streams, and Kafka lag and dead letters of every group of this platform (TOPIC_PREFIX). */
export function gatewayGauges(deps: { sseOpen: () => number; kafka?: KafkaClient; onError?: (err: unknown) => void }): { stop: () => Promise<void> } {
  const sse = meter().createObservableGauge("drops_sse_connections", { description: "SSE streams open on this gateway" });
  const observe = (r: { observe: (v: number) => void }) => r.observe(deps.sseOpen());
  sse.addCallback(observe);
  const topics = topicList.map((t) => t.name);
  const admin = deps.kafka ? lazyAdmin(deps.kafka) : undefined;
  const lag = admin
    ? watchKafkaLag({
        admin: admin.api,
        groups: async (admin) => (await admin.listGroups()).groups.filter((g) => g.groupId.startsWith(TOPIC_PREFIX)).map((g) => ({ groupId: g.groupId, topics })),
        deadLetterTopics: topics.map(dlqTopic),
        ...(deps.onError ? { onError: deps.onError } : {}),
      })
    : undefined;
  return {
    stop: async () => {
      sse.removeCallback(observe);
      // the read in flight ends first: a read after the disconnect would open a new socket
      await lag?.stop();
      await admin?.close();
    },
  };
}

/** A Kafka admin client connected on first use (the first lag read), disconnected by close(). */
function lazyAdmin(kafka: KafkaClient): { api: KafkaLagAdmin; close: () => Promise<void> } {
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  let closed = false;
  const ready = () => {
    if (closed) return Promise.reject(new Error("closed"));
    return (connected ??= admin.connect().catch((err: unknown) => {
      connected = undefined;
      throw err;
    }));
  };
  return {
    api: {
      fetchTopicOffsets: async (topic) => (await ready(), admin.fetchTopicOffsets(topic)),
      fetchOffsets: async (o) => (await ready(), admin.fetchOffsets(o)),
      listGroups: async () => (await ready(), admin.listGroups()),
    },
    close: async () => {
      closed = true;
      const pending = connected;
      if (pending === undefined) return;
      // a connect still in flight finishes first, then its socket is closed (it would keep the process alive)
      await pending.catch(() => undefined);
      await admin.disconnect();
    },
  };
}

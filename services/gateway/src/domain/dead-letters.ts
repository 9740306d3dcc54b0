/**
 * Dead letters as the admin API shows them (pure): the id of a dead letter (its place in its `.dlq`
 * topic), its view from the dlq-* headers @drops/kafka writes, the message a replay re-publishes
 * (the original key, value and headers, without the dlq-* ones), and the bounded in-memory index
 * the gateway keeps of the `.dlq` topics (Kafka is the store; see ARCHITECTURE.md "Dead letters").
 */

export type Headers = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** What the dlq-* headers say (`readDeadLetterHeaders` of @drops/kafka; null where missing). */
export type DlqInfo = { reason: string | null; error: string | null; sourcePartition: string | null; sourceOffset: string | null; consumerGroup: string | null; failedAt: string | null };

/** A message read from a `.dlq` topic: its place, the original message, and what the dlq-* headers say. */
export type RawDeadLetter = {
  dlqTopic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** The original headers, without the dlq-* ones. */
  headers: Headers;
  dlq: DlqInfo;
  /** The dead letter's Kafka timestamp (epoch ms as a string). */
  timestamp: string;
};

export type DeadLetterView = {
  id: string;
  /** The source topic (without KAFKA_TOPIC_PREFIX), where a replay goes. */
  topic: string;
  /** Where the original message was in the source topic (null when the headers do not say). */
  partition: number | null;
  offset: string | null;
  eventType: string | null;
  eventId: string | null;
  /** UNKNOWN_TYPE, BAD_PAYLOAD, ... (decode failures) or HANDLER_FAILED. */
  reason: string;
  error: string | null;
  consumerGroup: string | null;
  /** When it was dead-lettered (ISO 8601). */
  at: string;
};

export type DeadLetter = { view: DeadLetterView; raw: RawDeadLetter; bytes: number; /** read order */ seq: number };

const ID_TEXT = /^([A-Za-z0-9._-]{1,249})\/(\d{1,10})\/(\d{1,19})$/;

/** base64url of `<dlqTopic>/<partition>/<offset>`: opaque to clients, stable, and decodable without a lookup. */
export function deadLetterId(dlqTopic: string, partition: number, offset: string): string {
  return Buffer.from(`${dlqTopic}/${partition}/${offset}`, "utf8").toString("base64url");
}

/** The place an id names, or null when it is not one of ours. */
export function parseDeadLetterId(id: string): { dlqTopic: string; partition: number; offset: string } | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(id)) return null;
  const m = ID_TEXT.exec(Buffer.from(id, "base64url").toString("utf8"));
  if (!m) return null;
  if (deadLetterId(m[1]!, Number(m[2]), m[3]!) !== id) return null; // one spelling per dead letter
  return { dlqTopic: m[1]!, partition: Number(m[2]), offset: m[3]! };
}

export function headerText(headers: Headers, name: string): string | null {
  const v = headers[name];
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined) return null;
  return typeof one === "string" ? one : one.toString("utf8");
}

function intOrNull(text: string | null): number | null {
  return text !== null && /^\d{1,10}$/.test(text) ? Number(text) : null;
}

/** The source topic of a `.dlq` topic (both with the prefix). */
export function sourceTopicOf(dlqTopic: string): string | null {
  return dlqTopic.endsWith(".dlq") ? dlqTopic.slice(0, -".dlq".length) : null;
}

/** The view of a dead letter; `prefix` (KAFKA_TOPIC_PREFIX) is cut from the topic it shows. */
export function deadLetterView(raw: RawDeadLetter, prefix: string): DeadLetterView {
  const { dlq } = raw;
  const source = sourceTopicOf(raw.dlqTopic) ?? raw.dlqTopic;
  const at = dlq.failedAt !== null && !Number.isNaN(Date.parse(dlq.failedAt)) ? new Date(dlq.failedAt) : new Date(Number(raw.timestamp) || 0);
  const offset = dlq.sourceOffset;
  return {
    id: deadLetterId(raw.dlqTopic, raw.partition, raw.offset),
    topic: source.startsWith(prefix) ? source.slice(prefix.length) : source,
    partition: intOrNull(dlq.sourcePartition),
    offset: offset !== null && /^\d{1,19}$/.test(offset) ? offset : null,
    eventType: headerText(raw.headers, "event-type"),
    eventId: headerText(raw.headers, "event-id"),
    reason: dlq.reason ?? "UNKNOWN",
    error: dlq.error,
    consumerGroup: dlq.consumerGroup,
    at: at.toISOString(),
  };
}

/** What a replay publishes: the original key, value and headers (the dlq-* ones were taken off on reading). */
export function replayMessage(raw: RawDeadLetter): { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | string | (Buffer | string)[]> } {
  const headers: Record<string, Buffer | string | (Buffer | string)[]> = {};
  for (const [name, v] of Object.entries(raw.headers)) if (v !== undefined) headers[name] = v;
  return { key: raw.key, value: raw.value, headers };
}

function sizeOf(raw: RawDeadLetter): number {
  let n = (raw.key?.length ?? 0) + (raw.value?.length ?? 0) + 200;
  for (const [name, v] of Object.entries(raw.headers)) for (const one of Array.isArray(v) ? v : [v]) n += name.length + (one?.length ?? 0);
  for (const v of Object.values(raw.dlq)) n += v?.length ?? 0;
  return n;
}

export type DeadLetterIndex = {
  add(raw: RawDeadLetter): void;
  get(id: string): DeadLetter | undefined;
  /** Newest first (by dead-letter time, then place), optionally of one source topic. */
  list(q: { topic?: string | undefined; page: number; pageSize: number }): { items: DeadLetterView[]; total: number };
  readonly size: number;
  readonly bytes: number;
  /** Dead letters dropped from memory to stay within maxBytes (still in Kafka until retention). */
  readonly evicted: number;
};

/** The dead letters read so far, bounded by `maxBytes` (the oldest leave memory first). */
export function createDeadLetterIndex(prefix: string, maxBytes: number): DeadLetterIndex {
  const byId = new Map<string, DeadLetter>(); // insertion order = read order: the first is the oldest read
  let bytes = 0;
  let evicted = 0;
  let seq = 0;
  return {
    add(raw) {
      const view = deadLetterView(raw, prefix);
      if (byId.has(view.id)) return; // read again (a rebalance): the same dead letter
      const entry = { view, raw, bytes: sizeOf(raw), seq: seq++ };
      byId.set(view.id, entry);
      bytes += entry.bytes;
      for (const [id, old] of byId) {
        if (bytes <= maxBytes || byId.size === 1) break;
        byId.delete(id);
        bytes -= old.bytes;
        evicted++;
      }
    },
    get: (id) => byId.get(id),
    list({ topic, page, pageSize }) {
      const all = [...byId.values()].filter((e) => topic === undefined || e.view.topic === topic);
      all.sort((a, b) => (a.view.at === b.view.at ? b.seq - a.seq : a.view.at < b.view.at ? 1 : -1));
      return { items: all.slice((page - 1) * pageSize, page * pageSize).map((e) => e.view), total: all.length };
    },
    get size() {
      return byId.size;
    },
    get bytes() {
      return bytes;
    },
    get evicted() {
      return evicted;
    },
  };
}

/**
 * Dead-letter message: the original key, value and headers byte for byte, plus dlq-* headers that
 * say why, from where, and when.
 */
import type { IHeaders, KafkaMessage, Message } from "kafkajs";

export const DLQ_HEADER = {
  reason: "dlq-reason",
  error: "dlq-error",
  sourceTopic: "dlq-source-topic",
  sourcePartition: "dlq-source-partition",
  sourceOffset: "dlq-source-offset",
  consumerGroup: "dlq-consumer-group",
  failedAt: "dlq-failed-at",
} as const;

/** A decode failure reason (UNKNOWN_TYPE, BAD_PAYLOAD, ...) or HANDLER_FAILED. */
export type DlqReason = string;

export type DlqSource = { topic: string; partition: number; groupId: string };

const MAX_ERROR_CHARS = 2_000;

export function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

export function deadLetterMessage(message: KafkaMessage, source: DlqSource, reason: DlqReason, err: unknown, now: Date): Message {
  const headers: IHeaders = {
    ...(message.headers ?? {}),
    [DLQ_HEADER.reason]: reason,
    [DLQ_HEADER.error]: describeError(err),
    [DLQ_HEADER.sourceTopic]: source.topic,
    [DLQ_HEADER.sourcePartition]: String(source.partition),
    [DLQ_HEADER.sourceOffset]: message.offset,
    [DLQ_HEADER.consumerGroup]: source.groupId,
    [DLQ_HEADER.failedAt]: now.toISOString(),
  };
  return { key: message.key, value: message.value, headers };
}

/** What the dlq-* headers of a dead letter say (null where a header is missing). */
export type DeadLetterInfo = { [K in keyof typeof DLQ_HEADER]: string | null };

/**
 * Reads a dead letter's headers: what the dlq-* ones say, and the original headers without them
 * (what a replay re-publishes).
 */
export function readDeadLetterHeaders(headers: IHeaders): { info: DeadLetterInfo; original: IHeaders } {
  const names = new Set<string>(Object.values(DLQ_HEADER));
  const original: IHeaders = {};
  for (const [name, v] of Object.entries(headers)) if (v !== undefined && !names.has(name)) original[name] = v;
  const text = (name: string): string | null => {
    const v = headers[name];
    const one = Array.isArray(v) ? v[0] : v;
    return one === undefined ? null : Buffer.isBuffer(one) ? one.toString("utf8") : String(one);
  };
  const info = Object.fromEntries(Object.entries(DLQ_HEADER).map(([k, name]) => [k, text(name)])) as DeadLetterInfo;
  return { info, original };
}

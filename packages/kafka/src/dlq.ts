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

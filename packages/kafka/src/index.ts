export { createKafka, checkKafka, type CreateKafkaOptions } from "./client.ts";
export { createProducer, type EventProducer, type ProducerOptions, type ProducerStats } from "./producer.ts";
export { ensureTopics, type EnsureTopicSpec } from "./topics.ts";
export { runConsumer, type ConsumerRunner, type ConsumerStats, type Handler, type Handlers, type MessageContext, type RunConsumerOptions } from "./consumer.ts";
export { DLQ_HEADER, deadLetterMessage, type DlqReason, type DlqSource } from "./dlq.ts";
export { backoffDelay, defaultRetry, type RetryPolicy } from "./retry.ts";
export { silentLogger, type Logger } from "./logger.ts";
export { Batcher, type BatcherOptions, type BatcherStats } from "./batcher.ts";
export { contextFromHeaders, withActiveTraceContext } from "./trace.ts";

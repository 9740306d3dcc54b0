export type * from "./types.ts";
export { EVENT_TYPES, isEventType } from "./types.ts";
export { EventDecodeError, EventEncodeError, SchemaCompatibilityError, type DecodeFailure } from "./errors.ts";
export {
  buildRegistry,
  checkBackwardCompatible,
  eventSchemas,
  loadSchemaDir,
  registry,
  schemaDefinitions,
  type AvroSchema,
  type EventRegistry,
  type SchemaDefinitions,
  type SchemaVersion,
} from "./registry.ts";
export { newEnvelope, type NewEnvelopeInput } from "./envelope.ts";
export { uuidV5 } from "./ids.ts";
export { encodeEvent, decodeEvent, type EncodedEvent, type RawMessage } from "./codec.ts";
export { HEADER, CONTENT_TYPE, headerString, type Headers, type HeaderValue } from "./headers.ts";
export { topics, topicList, topicFor, keyFor, dlqTopic, topicSpecs, topicPrefix, TOPIC_PREFIX, DEFAULT_PARTITIONS, DLQ_PARTITIONS, type TopicLayout, type TopicSpec } from "./topics.ts";

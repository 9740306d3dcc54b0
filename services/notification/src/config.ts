import { int, oneOf, str, type ConfigOf } from "@drops/config";
import { configReaders, serviceSpec } from "@drops/http/config";

/** Every variable the notification service reads (see README.md). Imports nothing instrumented. */
export const spec = {
  ...serviceSpec("notification", 3005),
  DB_SCHEMA: str("notification", "PostgreSQL schema of the notification tables"),
  CONSUMER_GROUP: str("notification", "Kafka consumer group of the notification consumers"),
  CONSUMER_CONCURRENCY: int(16, { min: 1, max: 1_000 }, "messages of different keys handled at once per fetched batch (one key's still in order)"),
  CONSUMER_RETRY_ATTEMPTS: int(5, { min: 1, max: 100 }, "calls of a failing handler before its message is dead-lettered"),
  LIVE_PUSH: oneOf(["redis", "memory"] as const, "redis"),
  LIVE_CHANNEL: str("notification:live", "Redis pub/sub channel of the live push (LIVE_PUSH=redis)"),
  SSE_HEARTBEAT_MS: int(15_000, { min: 100, max: 600_000 }, "ms between SSE keep-alive comments"),
};

export type Config = ConfigOf<typeof spec>;

export const { readConfig, readConfigOrExit } = configReaders(spec, "notification");

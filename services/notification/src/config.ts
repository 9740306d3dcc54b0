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
  NOTIFY_OPENING_SOON_SECONDS: int(300, { min: 1, max: 7 * 24 * 3600 }, "how long before a watched drop's startsAt its watchers get the opening-soon notice"),
  OPENING_SOON_POLL_MS: int(5_000, { min: 50, max: 600_000 }, "ms between rounds of the opening-soon worker"),
  OPENING_SOON_BATCH: int(500, { min: 1, max: 10_000 }, "watches one opening-soon round takes at most (a full round goes again at once)"),
};

export type Config = ConfigOf<typeof spec>;

export const { readConfig, readConfigOrExit } = configReaders(spec, "notification");

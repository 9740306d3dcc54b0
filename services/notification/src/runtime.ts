/** The notification service's background work: its one consumer (safe with several instances). */
import type { ConsumerRunner, Logger } from "@drops/kafka";
import type { Clients } from "./clients.ts";
import type { Config } from "./config.ts";
import { startNotificationConsumer } from "./consumers.ts";
import { notifyDeps, type Overrides } from "./deps.ts";

export type Runtime = { consumer: ConsumerRunner; stop: () => Promise<void> };

export async function startRuntime(config: Config, clients: Clients, logger: Logger, overrides: Overrides = {}): Promise<Runtime> {
  const consumer = await startNotificationConsumer(notifyDeps(clients, overrides), {
    kafka: clients.kafka,
    producer: clients.producer,
    logger,
    groupId: config.CONSUMER_GROUP,
    retry: { attempts: config.CONSUMER_RETRY_ATTEMPTS, initialDelayMs: 200, maxDelayMs: 5_000 },
    partitionsConsumedConcurrently: 6,
  });
  return { consumer, stop: () => consumer.stop() };
}

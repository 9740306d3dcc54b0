/**
 * Waits until a broker that has just started serves what every service asks of it first: an idempotent
 * producer's id (InitProducerId, refused with COORDINATOR_LOAD_IN_PROGRESS while the broker loads) and
 * a group coordinator (FindCoordinator creates and loads `__consumer_offsets` on first use).
 * scripts/create-topics.ts calls it after the topics, so the first checkouts after `scripts/up.sh`, or
 * at the start of the test tiers, do not spend a request's time budget on a cold broker (the cart's
 * checkout waits for its event's ack within PUBLISH_TIMEOUT_MS: a full test run once answered
 * 36 checkouts 503 that way, at the tier's first minute on a broker started seconds before).
 */
import type { Kafka } from "kafkajs";

export async function waitUntilServing(kafka: Kafka, opts: { timeoutMs?: number; group?: string } = {}): Promise<number> {
  const started = Date.now();
  const deadline = started + (opts.timeoutMs ?? 60_000);
  const admin = kafka.admin();
  let lastError: unknown;
  for (;;) {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    try {
      await admin.connect();
      await producer.connect(); // InitProducerId
      await admin.describeGroups([opts.group ?? "drops-readiness-probe"]); // FindCoordinator + DescribeGroups
      return Date.now() - started;
    } catch (err) {
      lastError = err;
    } finally {
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`Kafka did not serve producers and groups within ${opts.timeoutMs ?? 60_000} ms: ${String((lastError as Error | undefined)?.message ?? lastError)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

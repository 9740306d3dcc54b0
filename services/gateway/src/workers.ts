/**
 * The gateway's one background worker: a Kafka subscription to the StockChanged snapshots, fanned
 * out in-process by the stock feed. Its consumer group is unique per instance (every instance must
 * see every change) and starts at the end of the topic: what happened before is read from Redis.
 *
 * `start()` only kicks the subscription off: the storefront serves while Kafka is slow (live
 * updates begin once the consumer joins; until then streams send their first event and the sold-out
 * flags lapse by time). A subscription that fails is logged, not fatal.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { Workers } from "@drops/http";
import type { KafkaClient } from "@drops/clients";
import { runConsumer, type ConsumerRunner } from "@drops/kafka";
import type { StockFeed } from "./domain/stock-feed.ts";
import { updateStockOnStockChanged } from "./handlers/update-stock-on-stock-changed.ts";

export type GatewayWorkers = Workers & {
  /** Resolves once the stock consumer has joined its group (tests wait for it). */
  readonly joined: Promise<void>;
};

export type WorkerDeps = {
  kafka: KafkaClient; topic: string; serviceName: string; feed: StockFeed; log: FastifyBaseLogger;
  /** The dead-letter reader (store/dead-letters.ts): started and stopped with the stock subscription. */
  deadLetters?: Pick<Workers, "start" | "stop">;
};

export function createWorkers(d: WorkerDeps): GatewayWorkers {
  let runner: ConsumerRunner | undefined;
  let starting: Promise<void> | undefined;
  let markJoined: () => void = () => {};
  const joined = new Promise<void>((resolve) => (markJoined = resolve));

  const subscribe = async () => {
    runner = await runConsumer({
      kafka: d.kafka,
      groupId: `${d.serviceName}-stock-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      topics: [d.topic],
      fromBeginning: false,
      // a short fetch wait keeps stop() (a pending fetch is waited for) well inside the shutdown budget
      consumerConfig: { maxWaitTimeInMs: 500 },
      logger: d.log,
      handlers: { StockChanged: updateStockOnStockChanged(d.feed) },
    });
    void runner.joined.then(markJoined);
  };

  return {
    joined,
    async start() {
      await d.deadLetters?.start();
      starting ??= subscribe().catch((err: unknown) => {
        d.log.error({ err }, "stock feed could not start: no live stock updates on this instance");
      });
    },
    async stop() {
      if (starting) await starting;
      await runner?.stop();
      runner = undefined;
      await d.deadLetters?.stop();
    },
  };
}

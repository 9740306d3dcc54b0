/** The inventory's command consumer: drops.inventory-commands -> the stock scripts. */
import { topics } from "@drops/events";
import { runConsumer, type ConsumerRunner, type Logger } from "@drops/kafka";
import type { createKafka } from "@drops/kafka";
import { confirmStockOnStockConfirmRequested } from "./confirm-stock-on-stock-confirm-requested.ts";
import { releaseStockOnStockReleaseRequested } from "./release-stock-on-stock-release-requested.ts";
import type { CommandDeps } from "./deps.ts";

export const COMMANDS_GROUP = "inventory-commands";

export function runCommandConsumer(
  opts: CommandDeps & { kafka: ReturnType<typeof createKafka>; topic?: string; groupId?: string; consumerLogger?: Logger },
): Promise<ConsumerRunner> {
  return runConsumer({
    kafka: opts.kafka,
    groupId: opts.groupId ?? COMMANDS_GROUP,
    topics: [opts.topic ?? topics.inventoryCommands.name],
    // Several partitions at once: each still in order, and the scripts are per drop anyway.
    partitionsConsumedConcurrently: 3,
    handlers: {
      StockConfirmRequested: confirmStockOnStockConfirmRequested(opts),
      StockReleaseRequested: releaseStockOnStockReleaseRequested(opts),
    },
    ...(opts.consumerLogger ? { logger: opts.consumerLogger } : {}),
  });
}

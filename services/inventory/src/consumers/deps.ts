import type { DropsEvent } from "@drops/events";
import type { StockStore } from "../stock/stock-store.ts";

export type CommandLogger = { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };

/** What the inventory's command handlers need. `publish` resolves once Kafka acked the event. */
export type CommandDeps = {
  store: Pick<StockStore, "confirm" | "release" | "refund">;
  publish: (event: DropsEvent) => Promise<void>;
  logger?: CommandLogger;
};

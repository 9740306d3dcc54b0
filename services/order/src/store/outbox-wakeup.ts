/**
 * Wakes the relay when a transaction wrote to the outbox: appendOutbox NOTIFYs the schema's channel,
 * delivered at commit to every instance LISTENing (one dedicated connection each). Polling stays as
 * the fallback: a lost connection only costs latency, and is reopened after `retryMs`.
 */
import pg from "pg";
import { quoteIdent } from "@drops/db";
import { outboxChannel } from "./outbox.ts";
import type { LoopLogger } from "@drops/http";

export type Wakeup = { close: () => Promise<void> };

export function listenForOutbox(opts: { url: string; schema: string; onNotify: () => void; retryMs?: number; logger?: LoopLogger }): Wakeup {
  const channel = quoteIdent(outboxChannel(opts.schema));
  let client: pg.Client | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: opts.url, application_name: "order-outbox-listener" });
    client = c;
    c.on("notification", () => opts.onNotify());
    c.on("error", (err) => {
      opts.logger?.warn({ err: err.message }, "outbox listener connection lost; polling only until it is back");
      reconnect(c);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      opts.onNotify(); // anything written while not listening
    } catch (err) {
      opts.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, "outbox listener could not connect");
      reconnect(c);
    }
  };

  const reconnect = (c: pg.Client): void => {
    if (client !== c || closed) return;
    client = undefined;
    void c.end().catch(() => {});
    timer = setTimeout(() => void connect(), opts.retryMs ?? 1_000);
  };

  void connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}

/** What the consumers need, built from the clients; tests may swap the topics, clock and ids. */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Clients } from "./clients.ts";
import type { LiveHub } from "./live/hub.ts";
import { defaultTopics, type NotificationTopics } from "./topics.ts";

export type NotifyDeps = {
  pool: pg.Pool;
  hub: LiveHub;
  topics: NotificationTopics;
  now: () => number;
  newId: () => string;
};

export type Overrides = { topics?: NotificationTopics; now?: () => number; newId?: () => string };

export function notifyDeps(clients: Pick<Clients, "pool" | "hub">, o: Overrides = {}): NotifyDeps {
  return {
    pool: clients.pool,
    hub: clients.hub,
    topics: o.topics ?? defaultTopics,
    now: o.now ?? Date.now,
    newId: o.newId ?? randomUUID,
  };
}

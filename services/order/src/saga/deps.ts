/** What the saga's steps need from the outside world: the database, topic names, a clock and ids. */
import type pg from "pg";
import type { SagaTopics } from "../topics.ts";

export type SagaDeps = {
  pool: pg.Pool;
  topics: SagaTopics;
  /** Epoch ms. */
  now: () => number;
  /** A new UUID (event ids). */
  newId: () => string;
  defaultCurrency: string;
};

import { createInfra } from "@drops/clients";
import type { ServiceClients } from "@drops/http";
import type { Config } from "./config.ts";
import { checkDb, createDb, type Db } from "./store/prisma.ts";

/**
 * What the catalog opens: its Prisma client on PostgreSQL, nothing else (no Kafka, no Redis). /ready
 * checks PostgreSQL through that client, so no pool is opened just to answer it.
 */
export type Clients = {
  db: Db;
  /** What createServiceApp takes: readiness checks, logger, close. */
  shell: ServiceClients;
};

/** Creates the clients without connecting (connections open on first use). */
export function openClients(config: Config): Clients {
  const infra = createInfra(config.SERVICE_NAME);
  const db = createDb(config.DATABASE_URL, config.DB_SCHEMA);
  infra.onClose(() => db.$disconnect());
  return { db, shell: { ...infra.shell, checks: { ...infra.shell.checks, postgres: () => checkDb(db) } } };
}

import pg from "pg";
import { quoteIdent } from "./pool.ts";

/** Drops `schema` and everything in it (test cleanup). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * The PostgreSQL schema that owns a service's tables: the service folder name, except `order`
 * (an SQL keyword) which uses `orders`. scripts/migrate.ts and the services use this one mapping.
 */
export function serviceSchema(service: string): string {
  const special: Record<string, string> = { order: "orders" };
  const name = special[service] ?? service;
  quoteIdent(name); // throws on a name that is not a plain identifier
  return name;
}

import { prismaAdapter } from "@drops/db";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;

/** The catalog's Prisma client on `schema` (default `catalog`); callers own it and must `$disconnect()` it. */
export function createDb(url: string, schema: string, poolMax?: number): Db {
  return new PrismaClient({ adapter: prismaAdapter(url, schema, poolMax) });
}

/** Readiness probe: resolves when PostgreSQL answers a trivial query through the catalog's own client. */
export async function checkDb(db: Db): Promise<void> {
  await db.$queryRaw`select 1`;
}

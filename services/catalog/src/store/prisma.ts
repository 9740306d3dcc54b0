import { prismaAdapter } from "@drops/db";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;

/** The catalog's Prisma client on `schema` (default `catalog`); callers own it and must `$disconnect()` it. */
export function createDb(url: string, schema: string): Db {
  return new PrismaClient({ adapter: prismaAdapter(url, schema) });
}

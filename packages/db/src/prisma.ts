import { PrismaPg } from "@prisma/adapter-pg";
import { quoteIdent } from "./pool.ts";

/**
 * The Prisma driver adapter for a service's generated client: `new PrismaClient({ adapter: prismaAdapter(url, schema, max) })`
 * (`max`: the connections of its pool, the service's DATABASE_POOL_MAX).
 * Model queries name `schema` themselves; the connections also put it first on their search_path (as
 * createPool does), so the service's raw SQL (`$queryRaw`) reads the same tables.
 */
export function prismaAdapter(url: string, schema: string, max = 10): PrismaPg {
  return new PrismaPg({ connectionString: url, max, options: `-c search_path=${quoteIdent(schema)},public` }, { schema });
}

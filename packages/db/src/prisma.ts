import { PrismaPg } from "@prisma/adapter-pg";

/** The Prisma driver adapter for a service's generated client: `new PrismaClient({ adapter: prismaAdapter(url, schema) })`. */
export function prismaAdapter(url: string, schema: string): PrismaPg {
  return new PrismaPg({ connectionString: url }, { schema });
}

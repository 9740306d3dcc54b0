import { testEnv, uniqueName } from "@drops/testing";
import { migrate } from "./migrate.ts";
import { dropSchema } from "./schema.ts";

export type TestSchema = { schema: string; url: string; applied: string[]; cleanup: () => Promise<void> };

/**
 * A fresh, uniquely named schema in the test database with `migrationsDir` applied.
 * `url` is the database URL (pass `schema` to createPool/prismaAdapter); call `cleanup()` in teardown.
 */
export async function withTestSchema(migrationsDir: string, opts: { url?: string; prefix?: string } = {}): Promise<TestSchema> {
  const url = opts.url ?? testEnv.databaseUrl;
  const schema = uniqueName(opts.prefix ?? "test");
  const applied = await migrate({ url, schema, migrationsDir });
  return { schema, url, applied, cleanup: () => dropSchema(url, schema) };
}

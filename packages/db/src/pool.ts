import pg from "pg";

export type CreatePoolOptions = { schema?: string; max?: number; applicationName?: string };

/** A pg pool whose connections use `schema` first on their search_path. Callers own it and must `end()` it. */
export function createPool(url: string, opts: CreatePoolOptions = {}): pg.Pool {
  const options = opts.schema ? `-c search_path=${quoteIdent(opts.schema)},public` : undefined;
  return new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    ...(options ? { options } : {}),
    ...(opts.applicationName ? { application_name: opts.applicationName } : {}),
  });
}

/** Readiness probe: resolves when PostgreSQL answers a trivial query. */
export async function checkPostgres(pool: pg.Pool): Promise<void> {
  await pool.query("select 1");
}

export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid SQL identifier ${JSON.stringify(name)}`);
  return `"${name}"`;
}

export { createPool, checkPostgres, quoteIdent, type CreatePoolOptions } from "./pool.ts";

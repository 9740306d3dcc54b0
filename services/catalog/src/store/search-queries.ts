/**
 * The package export `@drops/catalog-service/search`: the search's SQL exactly as GET /drops and
 * GET /products run it, and the parsing of their queries, for scripts/bench/search-explain.ts (which
 * EXPLAINs them on a seeded schema), never a relative path into `src/`.
 */
export { dropSearchSql } from "./drop-search.ts";
export { productSearchSql } from "./product-search.ts";
export { dropSearch, productSearch, type DropQuery, type ProductQuery } from "../domain/search.ts";

/** The catalog's migrations folder (the bench migrates a scratch schema with it). */
export const migrationsDir = new URL("../../prisma/migrations", import.meta.url).pathname;

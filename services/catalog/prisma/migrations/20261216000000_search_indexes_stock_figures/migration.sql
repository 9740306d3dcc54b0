-- Search stays fast (issue 9): indexes for the keyword match, the filters and every sort, and the
-- stock figures the catalog keeps from the inventory's StockChanged events.

-- Keywords: every word must appear (any case) in "name description". A trigram GIN index on that one
-- expression answers `lower(name || ' ' || description) LIKE '%word%'` for each word (and their AND)
-- without a sequential scan. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may
-- create it. It goes to `public`, never to a service or test schema (dropping a test schema must not
-- take the extension, and every other schema's index on it, with it).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE INDEX "products_search_trgm_idx" ON "products" USING gin ((lower("name" || ' ' || "description")) public.gin_trgm_ops);

-- Product sorts (price either way, newest / oldest first) and the seller filter with them.
CREATE INDEX "products_price_cents_id_idx" ON "products"("price_cents", "id");
CREATE INDEX "products_created_at_id_idx" ON "products"("created_at", "id");
CREATE INDEX "products_seller_id_created_at_idx" ON "products"("seller_id", "created_at");

-- Drop sorts: each with the id tie-break, so a page is an index range (deep pages included).
DROP INDEX "drops_starts_at_idx";
DROP INDEX "drops_available_idx";
CREATE INDEX "drops_starts_at_id_idx" ON "drops"("starts_at", "id");
CREATE INDEX "drops_available_starts_at_id_idx" ON "drops"("available" DESC, "starts_at", "id");
CREATE INDEX "drops_price_cents_id_idx" ON "drops"("price_cents", "id");

-- Stock figures from StockChanged (keyed by stock item: a drop id or, for cart stock, a product id).
-- stock_seq is the snapshot's seq: a snapshot is applied only when newer (redeliveries, reordering).
-- A product's available is null until its stock is first set.
ALTER TABLE "drops" ADD COLUMN "stock_seq" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "products" ADD COLUMN "available" INTEGER;
ALTER TABLE "products" ADD COLUMN "stock_seq" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "products" ADD CONSTRAINT "products_available_check" CHECK ("available" >= 0);
-- A drop's units follow the inventory's total (restock / withdraw); the bounds at creation stay the
-- route's (1..1,000,000), a withdrawn drop may reach 0.
ALTER TABLE "drops" DROP CONSTRAINT "drops_units_check";
ALTER TABLE "drops" ADD CONSTRAINT "drops_units_check" CHECK ("units" >= 0);

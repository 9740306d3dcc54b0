-- Product stock (issue 8): a regular product's stock is a stock item like a drop's (same Redis keys,
-- scripts, stream, ledger and reconciliation), told apart by its kind. Existing rows are drops.

ALTER TABLE "drops" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'drop';
ALTER TABLE "drops" ADD CONSTRAINT "drops_kind_check" CHECK ("kind" IN ('drop', 'product'));

-- Archived stock items (issue 14): a drop that ended (closed or sold out), has no hold left and whose
-- stream is fully in the ledger leaves the hot set. Its ledger rows stay as they are (they are the
-- archive); archive_state says where the move is: 'archiving' (taken out of the hot set, Redis not
-- compacted yet: the archiver finishes or undoes it) or 'archived' (Redis keeps only the compact meta
-- hash). NULL for every live item. A command for an archived drop's order re-loads it from the ledger.

ALTER TABLE "drops" ADD COLUMN "archive_state" TEXT;
ALTER TABLE "drops" ADD COLUMN "archived_at" TIMESTAMPTZ(3);
ALTER TABLE "drops" ADD CONSTRAINT "drops_archive_state_check" CHECK ("archive_state" IS NULL OR "archive_state" IN ('archiving', 'archived'));
CREATE INDEX "drops_archiving_idx" ON "drops" ("id") WHERE "archive_state" = 'archiving';

-- Queued drops (issue 10): a drop with a waiting room admits buyers at queue_admit_per_second, and
-- draws its early joiners' order at opening from queue_seed (the secret the catalog committed to by
-- showing its SHA-256). Both null for a drop without a waiting room (and for product stock).

ALTER TABLE "drops" ADD COLUMN "queue_admit_per_second" INTEGER;
ALTER TABLE "drops" ADD COLUMN "queue_seed" TEXT;
ALTER TABLE "drops" ADD CONSTRAINT "drops_queue_check" CHECK (
  ("queue_admit_per_second" IS NULL AND "queue_seed" IS NULL)
  OR ("queue_admit_per_second" BETWEEN 1 AND 10000 AND "queue_seed" ~ '^[0-9a-f]{16,128}$')
);
CREATE INDEX "drops_queued_idx" ON "drops" ("starts_at") WHERE "queue_admit_per_second" IS NOT NULL;

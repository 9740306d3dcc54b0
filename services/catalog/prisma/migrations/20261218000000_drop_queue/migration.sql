-- Queued drops (issue 10): a drop with a waiting room admits buyers at queue_admit_per_second and
-- draws its early joiners' order at opening from queue_seed, a secret drawn when the drop is
-- created; the drop shows only its SHA-256 until the opening (the inventory publishes the seed then).

ALTER TABLE "drops" ADD COLUMN "queue_admit_per_second" INTEGER;
ALTER TABLE "drops" ADD COLUMN "queue_seed" TEXT;
ALTER TABLE "drops" ADD CONSTRAINT "drops_queue_check" CHECK (
  ("queue_admit_per_second" IS NULL AND "queue_seed" IS NULL)
  OR ("queue_admit_per_second" BETWEEN 1 AND 10000 AND "queue_seed" IS NOT NULL)
);

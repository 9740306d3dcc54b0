-- Opening-soon notices and back-in-stock from stock snapshots (issue 9).

-- A watch knows its drop's start (given by the gateway from the catalog at watch time) and when its
-- opening-soon notice went out (once per watcher and drop: the notice's source id is
-- `drop-opening-soon:<dropId>`, unique per buyer by notifications_source_event_buyer_key).
ALTER TABLE "drop_watchers" ADD COLUMN "starts_at" TIMESTAMPTZ(3);
ALTER TABLE "drop_watchers" ADD COLUMN "opening_notified_at" TIMESTAMPTZ(3);
-- The opening-soon worker's scan: watches still waiting for their notice, by start time.
CREATE INDEX "drop_watchers_opening_due_idx" ON "drop_watchers" ("starts_at") WHERE "opening_notified_at" IS NULL AND "starts_at" IS NOT NULL;

-- What the back-in-stock handler remembers of a drop's StockChanged snapshots: whether it was seen
-- sold out since its last back-in-stock notice, and the snapshot seq that said so (stale ones are ignored).
CREATE TABLE "drop_stock" (
    "drop_id" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "sold_out" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "drop_stock_pkey" PRIMARY KEY ("drop_id")
);

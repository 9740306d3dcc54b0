-- Notifications, drop watchers and processed-event ids of the notification service (schema `notification`).

CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "buyer_id" TEXT NOT NULL,
    "order_id" TEXT,
    "drop_id" TEXT,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "source_event_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "read_at" TIMESTAMPTZ(3),
    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "notifications_kind_check" CHECK ("kind" IN ('order_confirmed', 'order_cancelled', 'order_refunded', 'order_expired', 'back_in_stock', 'drop_opening_soon'))
);

-- A redelivered event never stores a second notification for the same buyer.
CREATE UNIQUE INDEX "notifications_source_event_buyer_key" ON "notifications" ("source_event_id", "buyer_id");
-- A buyer's notifications, newest first.
CREATE INDEX "notifications_buyer_id_created_at_idx" ON "notifications" ("buyer_id", "created_at" DESC, "id" DESC);

CREATE TABLE "drop_watchers" (
    "drop_id" TEXT NOT NULL,
    "buyer_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "notified_at" TIMESTAMPTZ(3),
    CONSTRAINT "drop_watchers_pkey" PRIMARY KEY ("drop_id", "buyer_id")
);

CREATE TABLE "processed_events" (
    "consumer" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer", "event_id")
);

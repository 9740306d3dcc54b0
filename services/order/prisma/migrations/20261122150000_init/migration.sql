-- Orders, payments, the transactional outbox and processed-event ids of the order service (schema `orders`).

CREATE TABLE "orders" (
    "id" TEXT NOT NULL,
    "drop_id" TEXT NOT NULL,
    "buyer_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "payment_method" TEXT,
    "status" TEXT NOT NULL,
    "hold_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "payment_deadline_at" TIMESTAMPTZ(3),
    "payment_id" TEXT,
    "cancel_reason" TEXT,
    "failure_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "orders_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "orders_status_check" CHECK ("status" IN ('held', 'payment_pending', 'paid', 'confirmed', 'cancelled', 'expired', 'refunded', 'failed')),
    CONSTRAINT "orders_quantity_check" CHECK ("quantity" > 0)
);

CREATE INDEX "orders_buyer_id_created_at_idx" ON "orders" ("buyer_id", "created_at" DESC, "id" DESC);
CREATE INDEX "orders_payment_deadline_idx" ON "orders" ("payment_deadline_at") WHERE "status" = 'payment_pending';
CREATE INDEX "orders_status_idx" ON "orders" ("status");

CREATE TABLE "payments" (
    "order_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "payment_method" TEXT,
    "provider_ref" TEXT,
    "refund_ref" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "refund_attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "payments_pkey" PRIMARY KEY ("order_id"),
    CONSTRAINT "payments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE,
    CONSTRAINT "payments_status_check" CHECK ("status" IN ('processing', 'succeeded', 'failed', 'skipped', 'refunded', 'refund_failed'))
);

CREATE TABLE "outbox" (
    "id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "envelope" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "published_at" TIMESTAMPTZ(3),
    "seq" BIGSERIAL NOT NULL,
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- The relay scans only unpublished rows, oldest first.
CREATE INDEX "outbox_unpublished_idx" ON "outbox" ("seq") WHERE "published_at" IS NULL;

CREATE TABLE "processed_events" (
    "consumer" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer", "event_id")
);

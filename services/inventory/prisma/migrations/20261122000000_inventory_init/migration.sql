-- Inventory: drop schedules, the stock ledger (append-only, one row per Redis stream entry) and a
-- projection of counters per drop. Redis holds the live counters; this is what they are rebuilt from.

CREATE TABLE "drops" (
    "id" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "per_buyer_limit" INTEGER NOT NULL DEFAULT 0,
    "hold_ms" INTEGER NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    -- scheduled: waiting for the opener; loaded: stock is in Redis (open/paused/closed live there)
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "loaded_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "drops_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "drops_total_check" CHECK ("total" >= 0),
    CONSTRAINT "drops_limit_check" CHECK ("per_buyer_limit" >= 0),
    CONSTRAINT "drops_hold_check" CHECK ("hold_ms" >= 1),
    CONSTRAINT "drops_status_check" CHECK ("status" IN ('scheduled', 'loaded'))
);

CREATE INDEX "drops_due_idx" ON "drops" ("starts_at") WHERE "status" = 'scheduled';

CREATE TABLE "stock_ledger" (
    "id" BIGSERIAL NOT NULL,
    "drop_id" TEXT NOT NULL,
    "order_id" TEXT,
    "buyer_id" TEXT,
    "kind" TEXT NOT NULL,
    "qty" INTEGER NOT NULL,
    -- Redis stream entry id (<ms>-<seq>) of the change: a re-delivered entry is not applied twice
    "stream_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "stock_ledger_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "stock_ledger_kind_check" CHECK ("kind" IN ('opened', 'reserved', 'confirmed', 'released', 'expired', 'refunded', 'adjusted')),
    CONSTRAINT "stock_ledger_qty_check" CHECK ("qty" >= 0 OR "kind" = 'adjusted')
);

CREATE UNIQUE INDEX "stock_ledger_drop_id_stream_id_key" ON "stock_ledger" ("drop_id", "stream_id");
CREATE INDEX "stock_ledger_drop_id_order_id_idx" ON "stock_ledger" ("drop_id", "order_id");

-- Projection of the ledger, updated in the same transaction as the rows it counts.
CREATE TABLE "stock_counters" (
    "drop_id" TEXT NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "adjustments" INTEGER NOT NULL DEFAULT 0,
    "available" INTEGER NOT NULL DEFAULT 0,
    "held" INTEGER NOT NULL DEFAULT 0,
    "sold" INTEGER NOT NULL DEFAULT 0,
    "entries" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "stock_counters_pkey" PRIMARY KEY ("drop_id")
);

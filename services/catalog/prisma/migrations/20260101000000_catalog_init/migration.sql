-- Catalog: users, sellers, products, drops (schema `catalog`, set by the migration runner).

CREATE TYPE "role" AS ENUM ('buyer', 'seller', 'admin');
CREATE TYPE "seller_status" AS ENUM ('pending', 'approved', 'rejected');
CREATE TYPE "drop_status" AS ENUM ('scheduled', 'open', 'paused', 'closed');

CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "roles" "role"[] NOT NULL DEFAULT ARRAY['buyer']::"role"[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    -- e-mail addresses are stored lower-cased, so the unique index is case-insensitive
    CONSTRAINT "users_email_lower" CHECK ("email" = lower("email"))
);
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

CREATE TABLE "sellers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "business_name" TEXT NOT NULL,
    "contact_email" TEXT NOT NULL,
    "status" "seller_status" NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),
    CONSTRAINT "sellers_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "sellers_user_id_key" ON "sellers"("user_id");
ALTER TABLE "sellers" ADD CONSTRAINT "sellers_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "products" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "seller_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "products_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "products_price_cents_check" CHECK ("price_cents" >= 0)
);
CREATE INDEX "products_seller_id_idx" ON "products"("seller_id");
ALTER TABLE "products" ADD CONSTRAINT "products_seller_id_fkey" FOREIGN KEY ("seller_id") REFERENCES "sellers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "drops" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "product_id" UUID NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "units" INTEGER NOT NULL,
    "available" INTEGER NOT NULL,
    "per_buyer_limit" INTEGER NOT NULL,
    "hold_seconds" INTEGER NOT NULL,
    "status" "drop_status" NOT NULL DEFAULT 'scheduled',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "drops_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "drops_units_check" CHECK ("units" BETWEEN 1 AND 1000000),
    CONSTRAINT "drops_available_check" CHECK ("available" BETWEEN 0 AND "units"),
    CONSTRAINT "drops_per_buyer_limit_check" CHECK ("per_buyer_limit" >= 1),
    CONSTRAINT "drops_hold_seconds_check" CHECK ("hold_seconds" BETWEEN 30 AND 3600)
);
CREATE INDEX "drops_product_id_idx" ON "drops"("product_id");
CREATE INDEX "drops_starts_at_idx" ON "drops"("starts_at");
CREATE INDEX "drops_available_idx" ON "drops"("available");
ALTER TABLE "drops" ADD CONSTRAINT "drops_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

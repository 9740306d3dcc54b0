-- A drop's price is fixed when it is scheduled: a later change of the product's price changes
-- neither what the drop's buyers are charged nor the drop's shown price (existing drops take the
-- product's current price).
ALTER TABLE "drops" ADD COLUMN "price_cents" INTEGER;
UPDATE "drops" d SET "price_cents" = p."price_cents" FROM "products" p WHERE p."id" = d."product_id";
ALTER TABLE "drops" ALTER COLUMN "price_cents" SET NOT NULL;
ALTER TABLE "drops" ADD CONSTRAINT "drops_price_cents_check" CHECK ("price_cents" >= 0);

-- Why an admin rejected (or, after approval, suspended) a seller; null otherwise.
ALTER TABLE "sellers" ADD COLUMN "reason" TEXT;

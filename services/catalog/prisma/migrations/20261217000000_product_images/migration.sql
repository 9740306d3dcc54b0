-- Product images (issue 9): the catalog owns their metadata; the bytes are in the image storage
-- (a folder on disk by default, or an S3-compatible bucket) under the key `id`.
-- `id` is a fresh UUID per stored image and never reused, so its URL can be cached forever;
-- `sha256` is the ETag, and one product holds a given picture once (a re-upload answers the same id).

CREATE TABLE "images" (
    "id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "content_type" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "images_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "images_content_type_check" CHECK ("content_type" IN ('image/png', 'image/jpeg', 'image/webp')),
    CONSTRAINT "images_bytes_check" CHECK ("bytes" > 0),
    CONSTRAINT "images_sha256_check" CHECK ("sha256" ~ '^[0-9a-f]{64}$')
);
-- Also the index of a product's images (its leading column).
CREATE UNIQUE INDEX "images_product_id_sha256_key" ON "images"("product_id", "sha256");
ALTER TABLE "images" ADD CONSTRAINT "images_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;

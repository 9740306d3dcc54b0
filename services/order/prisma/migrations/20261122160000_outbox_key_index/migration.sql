-- The relay checks, per order (key), for earlier unpublished rows held by another relay.
CREATE INDEX "outbox_unpublished_key_idx" ON "outbox" ("key", "seq") WHERE "published_at" IS NULL;

-- The janitor deletes published outbox rows and old processed-event ids by age.
CREATE INDEX "outbox_published_at_idx" ON "outbox" ("published_at") WHERE "published_at" IS NOT NULL;
CREATE INDEX "processed_events_processed_at_idx" ON "processed_events" ("processed_at");

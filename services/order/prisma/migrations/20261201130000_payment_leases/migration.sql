-- The charge runner's recovery round looks for processing payments whose lease (updated_at) lapsed.
CREATE INDEX "payments_processing_updated_at_idx" ON "payments" ("updated_at") WHERE "status" = 'processing';

-- A seller's sales view counts one drop's orders per status (GET /internal/drops/:dropId/sales).
CREATE INDEX "orders_drop_id_status_idx" ON "orders" ("drop_id", "status");

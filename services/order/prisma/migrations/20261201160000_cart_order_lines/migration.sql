-- Cart orders (issue 8): the lines of a multi-line order, [{productId, quantity, priceCents}], on the
-- order's own row. NULL for a drop order (drop_id names its drop); a cart order has drop_id '' and at
-- least one line. The lines never change after checkout and are always read with the order (the saga
-- locks the row and sends them in every stock command), so they live in the row, not in a table.
ALTER TABLE "orders" ADD COLUMN "lines" JSONB;

ALTER TABLE "orders" ADD CONSTRAINT "orders_lines_check" CHECK (
    ("lines" IS NULL AND "drop_id" <> '')
    OR ("drop_id" = '' AND jsonb_typeof("lines") = 'array' AND jsonb_array_length("lines") > 0)
);

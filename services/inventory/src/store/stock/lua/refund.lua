-- refund: put one sold order's units back on sale (sold -> refunded), the user-cancel path; idempotent.
-- KEYS: 4
--   KEYS[1] {drop:<id>}:meta hash
--   KEYS[2] {drop:<id>}:buyers hash buyerId -> units taken
--   KEYS[3] {drop:<id>}:holds hash orderId -> "buyerId|qty|expiresAtMs|state|fingerprint"
--   KEYS[4] {drop:<id>}:events stream
-- ARGV:
--   ARGV[1] dropId
--   ARGV[2] orderId
--   ARGV[3] nowMs ("" = Redis server time)
-- RETURNS: {"REFUNDED", buyerId, qty, replay} (replay 0: units back on sale, one "refunded" event;
--   replay 1: already refunded, nothing written); {"NOT_SOLD", state} when the order is held,
--   released, expired or void (use release); {"NOT_FOUND"} when the order never reserved.
-- @include settle-hold
return settleHold({meta = KEYS[1], buyers = KEYS[2], holds = KEYS[3], stream = KEYS[4], dropId = ARGV[1], orderId = ARGV[2],
  now = ARGV[3], from = "sold", to = "refunded", units = {"sold", "available"}, event = "refunded",
  done = "REFUNDED", replays = {refunded = true}, refused = "NOT_SOLD"})

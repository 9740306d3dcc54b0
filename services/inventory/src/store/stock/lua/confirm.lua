-- confirm: turn one order's hold into a sale (held -> sold); atomic and idempotent per orderId.
-- KEYS: 4
--   KEYS[1] {drop:<id>}:meta hash
--   KEYS[2] {drop:<id>}:holds hash orderId -> "buyerId|qty|expiresAtMs|state|fingerprint"
--   KEYS[3] {drop:<id>}:expiry zset
--   KEYS[4] {drop:<id>}:events stream
-- ARGV:
--   ARGV[1] dropId
--   ARGV[2] orderId
--   ARGV[3] nowMs ("" = Redis server time)
--   ARGV[4] W3C traceparent of the command, so the relayed StockConfirmed stays in the purchase's trace ("" = none)
-- RETURNS: {"CONFIRMED", buyerId, qty, replay} (replay 1 when already sold, nothing written; else one
--   "confirmed" event); {"GONE", state} when the hold was released/expired/refunded/void (the saga
--   must refund); {"NOT_FOUND"} when the order never reserved. A hold still in state held is
--   confirmed even past its expiresAtMs: until the sweeper releases it, nobody else has the unit.
-- @include settle-hold
return settleHold({meta = KEYS[1], holds = KEYS[2], expiry = KEYS[3], stream = KEYS[4], dropId = ARGV[1], orderId = ARGV[2],
  now = ARGV[3], from = "held", to = "sold", units = {"held", "sold"}, event = "confirmed",
  extra = (ARGV[4] and ARGV[4] ~= "") and {"traceparent", ARGV[4]} or nil,
  done = "CONFIRMED", replays = {sold = true}, refused = "GONE"})

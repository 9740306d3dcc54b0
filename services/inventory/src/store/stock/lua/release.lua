-- release: give one order's hold back to the drop (held -> released); compensation, idempotent.
-- KEYS: 5
--   KEYS[1] {drop:<id>}:meta hash
--   KEYS[2] {drop:<id>}:buyers hash buyerId -> units taken
--   KEYS[3] {drop:<id>}:holds hash orderId -> "buyerId|qty|expiresAtMs|state|fingerprint"
--   KEYS[4] {drop:<id>}:expiry zset
--   KEYS[5] {drop:<id>}:events stream
-- ARGV:
--   ARGV[1] dropId
--   ARGV[2] orderId
--   ARGV[3] nowMs ("" = Redis server time)
--   ARGV[4] reason recorded in the "released" event (ORDER_CANCELLED, PAYMENT_FAILED, ...; "" = none)
--   ARGV[5] W3C traceparent of the command, so the relayed StockReleased stays in the saga's trace ("" = none)
-- RETURNS: {"RELEASED", buyerId, qty, replay, state} (replay 0: units back on sale, one "released"
--   event; replay 1: already released/expired/void, nothing written); {"NOT_HELD", state} when the
--   order is sold or refunded (use refund); {"VOIDED"} when the order never reserved: a "void"
--   tombstone is stored (no stock change, no event) so a late reserve for it replays as void
--   instead of holding stock the saga already gave up on.
-- @include settle-hold
-- @include hold
return settleHold({meta = KEYS[1], buyers = KEYS[2], holds = KEYS[3], expiry = KEYS[4], stream = KEYS[5], dropId = ARGV[1],
  orderId = ARGV[2], now = ARGV[3], from = "held", to = "released", units = {"held", "available"}, event = "released",
  extra = (ARGV[5] and ARGV[5] ~= "") and {"reason", ARGV[4], "traceparent", ARGV[5]} or {"reason", ARGV[4]}, done = "RELEASED", replays = {released = true, expired = true, void = true},
  refused = "NOT_HELD", withState = true,
  missing = function()
    saveHold(KEYS[3], ARGV[2], {buyerId = "", qty = 0, expiresAt = "0", fingerprint = ""}, "void")
    return {"VOIDED"}
  end})

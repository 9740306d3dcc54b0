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
-- RETURNS: {"RELEASED", buyerId, qty, replay, state} (replay 0: units back on sale, one "released"
--   event; replay 1: already released/expired/void, nothing written); {"NOT_HELD", state} when the
--   order is sold or refunded (use refund); {"VOIDED"} when the order never reserved: a "void"
--   tombstone is stored (no stock change, no event) so a late reserve for it replays as void
--   instead of holding stock the saga already gave up on.
local orderId = ARGV[2]
local h = redis.call("HGET", KEYS[3], orderId)
if not h then
  redis.call("HSET", KEYS[3], orderId, "|0|0|void|")
  return {"VOIDED"}
end
local b, q, e, s, f = string.match(h, "^(.*)|(%d+)|(%d+)|(%a+)|([%w_%-]*)$")
if s == "released" or s == "expired" or s == "void" then return {"RELEASED", b, tonumber(q), 1, s} end
if s ~= "held" then return {"NOT_HELD", s} end
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local qty = tonumber(q)
local available = redis.call("HINCRBY", KEYS[1], "available", qty)
local held = redis.call("HINCRBY", KEYS[1], "held", -qty)
local sold = redis.call("HGET", KEYS[1], "sold")
if redis.call("HINCRBY", KEYS[2], b, -qty) <= 0 then redis.call("HDEL", KEYS[2], b) end
redis.call("HSET", KEYS[3], orderId, b .. "|" .. q .. "|" .. e .. "|released|" .. f)
redis.call("ZREM", KEYS[4], orderId)
redis.call("XADD", KEYS[5], "*", "v", "1", "type", "released", "dropId", ARGV[1], "orderId", orderId, "buyerId", b,
  "qty", q, "available", available, "held", held, "sold", sold, "at", string.format("%d", now), "reason", ARGV[4])
return {"RELEASED", b, qty, 0, "released"}

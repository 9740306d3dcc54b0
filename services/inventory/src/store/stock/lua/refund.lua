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
local orderId = ARGV[2]
local h = redis.call("HGET", KEYS[3], orderId)
if not h then return {"NOT_FOUND"} end
local b, q, e, s, f = string.match(h, "^(.*)|(%d+)|(%d+)|(%a+)|([%w_%-]*)$")
if s == "refunded" then return {"REFUNDED", b, tonumber(q), 1} end
if s ~= "sold" then return {"NOT_SOLD", s} end
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local qty = tonumber(q)
local available = redis.call("HINCRBY", KEYS[1], "available", qty)
local sold = redis.call("HINCRBY", KEYS[1], "sold", -qty)
local held = redis.call("HGET", KEYS[1], "held")
if redis.call("HINCRBY", KEYS[2], b, -qty) <= 0 then redis.call("HDEL", KEYS[2], b) end
redis.call("HSET", KEYS[3], orderId, b .. "|" .. q .. "|" .. e .. "|refunded|" .. f)
redis.call("XADD", KEYS[4], "*", "v", "1", "type", "refunded", "dropId", ARGV[1], "orderId", orderId, "buyerId", b,
  "qty", q, "available", available, "held", held, "sold", sold, "at", string.format("%d", now))
return {"REFUNDED", b, qty, 0}

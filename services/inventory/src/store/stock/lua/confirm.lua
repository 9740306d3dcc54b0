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
-- RETURNS: {"CONFIRMED", buyerId, qty, replay} (replay 1 when already sold, nothing written; else one
--   "confirmed" event); {"GONE", state} when the hold was released/expired/refunded/void (the saga
--   must refund); {"NOT_FOUND"} when the order never reserved. A hold still in state held is
--   confirmed even past its expiresAtMs: until the sweeper releases it, nobody else has the unit.
local orderId = ARGV[2]
local h = redis.call("HGET", KEYS[2], orderId)
if not h then return {"NOT_FOUND"} end
local b, q, e, s, f = string.match(h, "^(.*)|(%d+)|(%d+)|(%a+)|([%w_%-]*)$")
if s == "sold" then return {"CONFIRMED", b, tonumber(q), 1} end
if s ~= "held" then return {"GONE", s} end
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local qty = tonumber(q)
local held = redis.call("HINCRBY", KEYS[1], "held", -qty)
local sold = redis.call("HINCRBY", KEYS[1], "sold", qty)
local available = redis.call("HGET", KEYS[1], "available")
redis.call("HSET", KEYS[2], orderId, b .. "|" .. q .. "|" .. e .. "|sold|" .. f)
redis.call("ZREM", KEYS[3], orderId)
redis.call("XADD", KEYS[4], "*", "v", "1", "type", "confirmed", "dropId", ARGV[1], "orderId", orderId, "buyerId", b,
  "qty", q, "available", available, "held", held, "sold", sold, "at", string.format("%d", now))
return {"CONFIRMED", b, qty, 0}

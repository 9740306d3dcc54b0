-- expire-holds: release up to `limit` holds of one drop whose expiresAtMs <= now (held -> expired); idempotent.
-- KEYS: 5
--   KEYS[1] {drop:<id>}:meta hash
--   KEYS[2] {drop:<id>}:buyers hash buyerId -> units taken
--   KEYS[3] {drop:<id>}:holds hash orderId -> "buyerId|qty|expiresAtMs|state|fingerprint"
--   KEYS[4] {drop:<id>}:expiry zset orderId scored by expiresAtMs
--   KEYS[5] {drop:<id>}:events stream
-- ARGV:
--   ARGV[1] dropId
--   ARGV[2] nowMs ("" = Redis server time)
--   ARGV[3] limit: at most this many expiry entries examined (integer >= 1)
-- RETURNS: array of the orderIds released by this call (one "expired" event each). Entries that are no
--   longer held are dropped from the zset; two sweepers at once release each hold exactly once.
-- @include server-time
-- @include hold
-- @include buyers
-- @include stock-event
local limit = tonumber(ARGV[3])
if not limit or limit < 1 then return redis.error_reply("ERR expire-holds: limit must be >= 1") end
local now = nowMs(ARGV[2])
local ids = redis.call("ZRANGEBYSCORE", KEYS[4], "-inf", string.format("%d", now), "LIMIT", 0, limit)
if #ids == 0 then return {} end
local m = redis.call("HMGET", KEYS[1], "available", "held", "sold")
local c = {available = tonumber(m[1]), held = tonumber(m[2]), sold = m[3]}
local released = {}
for _, orderId in ipairs(ids) do
  redis.call("ZREM", KEYS[4], orderId)
  local hold = loadHold(KEYS[3], orderId)
  if hold and hold.state == "held" then
    c.available = c.available + hold.qty
    c.held = c.held - hold.qty
    giveBack(KEYS[2], hold.buyerId, hold.qty)
    saveHold(KEYS[3], orderId, hold, "expired")
    stockEvent(KEYS[5], "expired", ARGV[1], orderId, hold.buyerId, hold.qty, c, now)
    released[#released + 1] = orderId
  end
end
if #released > 0 then redis.call("HSET", KEYS[1], "available", c.available, "held", c.held) end
return released

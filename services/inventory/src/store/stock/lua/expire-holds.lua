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
local limit = tonumber(ARGV[3])
if not limit or limit < 1 then return redis.error_reply("ERR expire-holds: limit must be >= 1") end
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local ids = redis.call("ZRANGEBYSCORE", KEYS[4], "-inf", string.format("%d", now), "LIMIT", 0, limit)
if #ids == 0 then return {} end
local m = redis.call("HMGET", KEYS[1], "available", "held", "sold")
local available, held = tonumber(m[1]), tonumber(m[2])
local at = string.format("%d", now)
local released = {}
for _, orderId in ipairs(ids) do
  redis.call("ZREM", KEYS[4], orderId)
  local h = redis.call("HGET", KEYS[3], orderId)
  if h then
    local b, q, e, s, f = string.match(h, "^(.*)|(%d+)|(%d+)|(%a+)|([%w_%-]*)$")
    if s == "held" then
      local qty = tonumber(q)
      available = available + qty
      held = held - qty
      if redis.call("HINCRBY", KEYS[2], b, -qty) <= 0 then redis.call("HDEL", KEYS[2], b) end
      redis.call("HSET", KEYS[3], orderId, b .. "|" .. q .. "|" .. e .. "|expired|" .. f)
      redis.call("XADD", KEYS[5], "*", "v", "1", "type", "expired", "dropId", ARGV[1], "orderId", orderId, "buyerId", b,
        "qty", q, "available", available, "held", held, "sold", m[3], "at", at)
      released[#released + 1] = orderId
    end
  end
end
if #released > 0 then redis.call("HSET", KEYS[1], "available", available, "held", held) end
return released

-- reserve: hold qty units of one drop for one order; atomic, idempotent per orderId, O(1).
-- KEYS: 5
--   KEYS[1] {drop:<id>}:meta hash (status startsAtMs perBuyerLimit holdMs available held sold ...)
--   KEYS[2] {drop:<id>}:buyers hash buyerId -> units taken (held + sold)
--   KEYS[3] {drop:<id>}:holds hash orderId -> "buyerId|qty|expiresAtMs|state|fingerprint"
--   KEYS[4] {drop:<id>}:expiry zset orderId scored by expiresAtMs
--   KEYS[5] {drop:<id>}:events stream
-- ARGV:
--   ARGV[1] dropId
--   ARGV[2] orderId
--   ARGV[3] buyerId
--   ARGV[4] qty (integer >= 1)
--   ARGV[5] nowMs ("" = Redis server time)
--   ARGV[6] request fingerprint stored with the hold, [A-Za-z0-9_-]* ("" = none)
--   ARGV[7] amountCents of the purchase, copied to the "reserved" event for the saga ("" = unknown)
--   ARGV[8] currency ("" = unknown)
--   ARGV[9] paymentMethod token ("" = unknown)
--   ARGV[10] W3C traceparent of the request, so the relayed event joins the purchase's trace ("" = none)
-- RETURNS: {"HELD", qty, expiresAtMs, available} new hold (writes + one "reserved" event);
--   {"EXISTING", state, buyerId, qty, expiresAtMs, available, fingerprint} orderId already known (replay);
--   {"NOT_OPEN", startsAtMs} (0 = drop not loaded); {"PAUSED"}; {"CLOSED"};
--   {"LIMIT_REACHED", taken, perBuyerLimit}; {"SOLD_OUT", available}. Rejections write nothing.
local orderId = ARGV[2]
local existing = redis.call("HGET", KEYS[3], orderId)
if existing then
  local b, q, e, s, f = string.match(existing, "^(.*)|(%d+)|(%d+)|(%a+)|([%w_%-]*)$")
  local avail = redis.call("HGET", KEYS[1], "available")
  return {"EXISTING", s, b, tonumber(q), tonumber(e), tonumber(avail or "0"), f}
end

local qty = tonumber(ARGV[4])
if not qty or qty < 1 or qty ~= math.floor(qty) then return redis.error_reply("ERR reserve: qty must be an integer >= 1") end
if not string.match(ARGV[6], "^[%w_%-]*$") then return redis.error_reply("ERR reserve: bad fingerprint") end
local now = tonumber(ARGV[5])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local m = redis.call("HMGET", KEYS[1], "status", "startsAtMs", "perBuyerLimit", "holdMs", "available", "held", "sold")
local status = m[1]
if not status then return {"NOT_OPEN", 0} end
local startsAt = tonumber(m[2])
if now < startsAt then return {"NOT_OPEN", startsAt} end
if status == "paused" then return {"PAUSED"} end
if status ~= "open" then return {"CLOSED"} end
local buyerId = ARGV[3]
local limit = tonumber(m[3])
if limit > 0 then
  local taken = tonumber(redis.call("HGET", KEYS[2], buyerId) or "0")
  if taken + qty > limit then return {"LIMIT_REACHED", taken, limit} end
end
local available = tonumber(m[5])
if available < qty then return {"SOLD_OUT", available} end

available = available - qty
local held = tonumber(m[6]) + qty
local expiresAt = string.format("%d", now + tonumber(m[4]))
redis.call("HSET", KEYS[1], "available", available, "held", held)
redis.call("HINCRBY", KEYS[2], buyerId, qty)
redis.call("HSET", KEYS[3], orderId, buyerId .. "|" .. qty .. "|" .. expiresAt .. "|held|" .. ARGV[6])
redis.call("ZADD", KEYS[4], expiresAt, orderId)
local entry = {"v", "1", "type", "reserved", "dropId", ARGV[1], "orderId", orderId, "buyerId", buyerId,
  "qty", qty, "available", available, "held", held, "sold", m[7], "at", string.format("%d", now), "expiresAtMs", expiresAt}
local optional = {"amountCents", "currency", "paymentMethod", "traceparent"}
for i, name in ipairs(optional) do
  local v = ARGV[6 + i]
  if v and v ~= "" then
    entry[#entry + 1] = name
    entry[#entry + 1] = v
  end
end
redis.call("XADD", KEYS[5], "*", unpack(entry))
return {"HELD", qty, tonumber(expiresAt), available}

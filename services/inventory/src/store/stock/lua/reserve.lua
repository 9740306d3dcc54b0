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
-- @include server-time
-- @include hold
-- @include stock-event
local orderId = ARGV[2]
local existing = loadHold(KEYS[3], orderId)
if existing then
  local avail = redis.call("HGET", KEYS[1], "available")
  return {"EXISTING", existing.state, existing.buyerId, existing.qty, tonumber(existing.expiresAt), tonumber(avail or "0"), existing.fingerprint}
end

local qty = tonumber(ARGV[4])
if not qty or qty < 1 or qty ~= math.floor(qty) then return redis.error_reply("ERR reserve: qty must be an integer >= 1") end
if not string.match(ARGV[6], "^[%w_%-]*$") then return redis.error_reply("ERR reserve: bad fingerprint") end
local now = nowMs(ARGV[5])

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
saveHold(KEYS[3], orderId, {buyerId = buyerId, qty = qty, expiresAt = expiresAt, fingerprint = ARGV[6]}, "held")
redis.call("ZADD", KEYS[4], expiresAt, orderId)
local extra = {"expiresAtMs", expiresAt}
for i, name in ipairs({"amountCents", "currency", "paymentMethod", "traceparent"}) do
  local v = ARGV[6 + i]
  if v and v ~= "" then
    extra[#extra + 1] = name
    extra[#extra + 1] = v
  end
end
stockEvent(KEYS[5], "reserved", ARGV[1], orderId, buyerId, qty, {available = available, held = held, sold = m[7]}, now, extra)
return {"HELD", qty, tonumber(expiresAt), available}

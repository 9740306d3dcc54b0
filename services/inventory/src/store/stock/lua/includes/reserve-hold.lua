-- reserve-hold: the reserve script's decision and writes, shared by reserve.lua and reserve-admitted.lua
-- (which checks an admission token first). Reads KEYS[1..5] and ARGV[1..10] exactly as reserve.lua documents
-- them; answers reserve.lua's replies.
-- @include server-time
-- @include hold
-- @include stock-event
local function reserveHold()
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
end

-- reserve-admitted: reserve (reserve.lua) in a queued drop with an admission: the admission is checked
-- and spent in the same atomic script as the hold, so a token buys once and an admission never outlives its use.
-- KEYS: 8
--   KEYS[1] {drop:<id>}:meta hash (status startsAtMs perBuyerLimit holdMs available held sold ...)
--   KEYS[2] {drop:<id>}:buyers hash buyerId -> units taken (held + sold)
--   KEYS[3] {drop:<id>}:holds hash orderId -> "buyerId|qty|expiresAtMs|state|fingerprint"
--   KEYS[4] {drop:<id>}:expiry zset orderId scored by expiresAtMs
--   KEYS[5] {drop:<id>}:events stream
--   KEYS[6] {drop:<id>}:queue hash (outstanding)
--   KEYS[7] {drop:<id>}:members hash buyerId -> member record (includes/queue-member.lua)
--   KEYS[8] {drop:<id>}:admitted zset buyerId scored by admission expiresAtMs
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
--   ARGV[10] W3C traceparent of the request ("" = none)
--   ARGV[11] admissionId of the buyer's admission token
-- RETURNS: reserve.lua's replies, or {"ADMISSION_INVALID", why} (why: unknown | used | expired | the
--   member's state) with nothing written. The admission is spent by HELD and by SOLD_OUT (a replay of
--   the same order id then answers the same: its hold, or SOLD_OUT again); LIMIT_REACHED, NOT_OPEN,
--   PAUSED and CLOSED leave it unspent (the buyer may try again until it expires). A quantity above
--   the admission's units is {"LIMIT_REACHED", taken, taken + units} (unspent).
-- @include server-time
-- @include queue-member
-- @include reserve-hold
local buyerId = ARGV[3]
local m = loadMember(KEYS[7], buyerId)
if not m or m.admissionId == "" or m.admissionId ~= ARGV[11] then return {"ADMISSION_INVALID", "unknown"} end
if m.state == "spent" then
  if m.orderId ~= ARGV[2] then return {"ADMISSION_INVALID", "used"} end
  if m.outcome == "SOLD_OUT" then return {"SOLD_OUT", tonumber(redis.call("HGET", KEYS[1], "available") or "0")} end
  return reserveHold()
end
if m.state ~= "admitted" then return {"ADMISSION_INVALID", m.state} end
if nowMs(ARGV[5]) >= m.expiresAt then return {"ADMISSION_INVALID", "expired"} end
local qty = tonumber(ARGV[4])
if qty and qty > m.units then
  local taken = tonumber(redis.call("HGET", KEYS[2], buyerId) or "0")
  return {"LIMIT_REACHED", taken, taken + m.units}
end
local r = reserveHold()
if r[1] == "HELD" or r[1] == "SOLD_OUT" then
  m.state = "spent"
  m.orderId = ARGV[2]
  m.outcome = r[1]
  saveMember(KEYS[7], buyerId, m)
  if redis.call("ZREM", KEYS[8], buyerId) == 1 then redis.call("HINCRBY", KEYS[6], "outstanding", -m.units) end
  queueChanged(KEYS[6])
end
return r

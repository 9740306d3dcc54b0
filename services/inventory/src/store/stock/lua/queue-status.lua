-- queue-status: a buyer's place in a queued drop's line, and (present = 1) the buyer is here.
-- KEYS: 6
--   KEYS[1] {drop:<id>}:queue hash
--   KEYS[2] {drop:<id>}:line zset
--   KEYS[3] {drop:<id>}:early zset
--   KEYS[4] {drop:<id>}:members hash
--   KEYS[5] {drop:<id>}:meta hash of the drop's stock (available)
--   KEYS[6] {drop:<id>}:away zset
-- ARGV:
--   ARGV[1] buyerId
--   ARGV[2] nowMs ("" = Redis server time)
--   ARGV[3] present: "1" the buyer is following its place (its abandon deadline is cleared), "0" a plain read
-- RETURNS: {"MEMBER", status, position, receipt, admissionId, expiresAtMs, orderId} (includes/queue-view.lua);
--   {"NONE"} no place; {"NOT_QUEUED"} the drop has no waiting room.
-- @include server-time
-- @include queue-view
if redis.call("EXISTS", KEYS[1]) == 0 then return {"NOT_QUEUED"} end
local buyerId = ARGV[1]
if ARGV[3] == "1" then redis.call("ZREM", KEYS[6], buyerId) end
local m = loadMember(KEYS[4], buyerId)
if not m then return {"NONE"} end
local v = memberView({queue = KEYS[1], line = KEYS[2], early = KEYS[3], meta = KEYS[5]}, buyerId, m, nowMs(ARGV[2]))
return {"MEMBER", v[1], v[2], v[3], v[4], v[5], v[6]}

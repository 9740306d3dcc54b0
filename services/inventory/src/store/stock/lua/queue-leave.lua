-- queue-leave: a buyer gives up its place; freed at once (an unspent admission's units go back to the room).
-- KEYS: 6
--   KEYS[1] {drop:<id>}:queue hash (outstanding)
--   KEYS[2] {drop:<id>}:line zset
--   KEYS[3] {drop:<id>}:early zset
--   KEYS[4] {drop:<id>}:members hash
--   KEYS[5] {drop:<id>}:admitted zset buyerId scored by admission expiresAtMs (unspent admissions)
--   KEYS[6] {drop:<id>}:away zset
-- ARGV:
--   ARGV[1] buyerId
-- RETURNS: {"LEFT", state} the place (in that state) is gone; {"NONE"} the buyer had none (nothing written).
-- @include queue-member
local buyerId = ARGV[1]
local m = loadMember(KEYS[4], buyerId)
if not m then return {"NONE"} end
redis.call("ZREM", KEYS[2], buyerId)
redis.call("ZREM", KEYS[3], buyerId)
redis.call("ZREM", KEYS[6], buyerId)
if redis.call("ZREM", KEYS[5], buyerId) == 1 then redis.call("HINCRBY", KEYS[1], "outstanding", -m.units) end
redis.call("HDEL", KEYS[4], buyerId)
queueChanged(KEYS[1])
return {"LEFT", m.state}

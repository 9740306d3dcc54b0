-- queue-join: a buyer takes a place in a queued drop's line; joining again answers the same place.
-- KEYS: 6
--   KEYS[1] {drop:<id>}:queue hash (see queue-configure.lua)
--   KEYS[2] {drop:<id>}:line zset buyerId scored by place (early joiners 1..n once drawn; later ones 1e12 + join seq)
--   KEYS[3] {drop:<id>}:early zset buyerId scored by join seq: joined before the opening, not drawn yet
--   KEYS[4] {drop:<id>}:members hash buyerId -> member record (includes/queue-member.lua)
--   KEYS[5] {drop:<id>}:meta hash of the drop's stock (available)
--   KEYS[6] {drop:<id>}:away zset buyerId scored by the deadline to come back after the stream closed
-- ARGV:
--   ARGV[1] buyerId
--   ARGV[2] receipt for a new place (an opaque join id, [A-Za-z0-9-]{1,64})
--   ARGV[3] nowMs ("" = Redis server time)
-- RETURNS: {"JOINED", new (1 a new place, 0 the place already held), status, position, receipt,
--   admissionId, expiresAtMs, orderId} (includes/queue-view.lua); {"NOT_QUEUED"} the drop has no waiting room.
--   Before the opening (now < startsAtMs) a new place is an early one: drawn by the opening shuffle.
--   A buyer whose place expired takes a new one at the back.
-- @include server-time
-- @include queue-view
local q = redis.call("HMGET", KEYS[1], "admitPerSecond", "startsAtMs", "shuffled")
if not q[1] then return {"NOT_QUEUED"} end
if not string.match(ARGV[2], "^[%w%-]+$") or #ARGV[2] > 64 then return redis.error_reply("ERR queue-join: bad receipt") end
local now = nowMs(ARGV[3])
local buyerId = ARGV[1]
local view = {queue = KEYS[1], line = KEYS[2], early = KEYS[3], meta = KEYS[5]}
redis.call("ZREM", KEYS[6], buyerId)
local m = loadMember(KEYS[4], buyerId)
if m and m.state ~= "expired" then
  local v = memberView(view, buyerId, m, now)
  return {"JOINED", 0, v[1], v[2], v[3], v[4], v[5], v[6]}
end
local seq = redis.call("HINCRBY", KEYS[1], "seq", 1)
if q[3] ~= "1" and now < tonumber(q[2]) then
  redis.call("ZADD", KEYS[3], seq, buyerId)
else
  redis.call("ZADD", KEYS[2], 1e12 + seq, buyerId)
end
m = {state = "waiting", receipt = ARGV[2]}
saveMember(KEYS[4], buyerId, m)
queueChanged(KEYS[1])
local v = memberView(view, buyerId, m, now)
return {"JOINED", 1, v[1], v[2], v[3], v[4], v[5], v[6]}

-- queue-away: a buyer's last stream closed: it must come back (any queue call) before the deadline,
-- or the admitter drops its waiting place (queue-admit.lua).
-- KEYS: 2
--   KEYS[1] {drop:<id>}:away zset buyerId scored by deadlineMs
--   KEYS[2] {drop:<id>}:members hash
-- ARGV:
--   ARGV[1] buyerId
--   ARGV[2] deadlineMs
-- RETURNS: 1 the deadline is set (the first one stands while the buyer stays away); 0 the buyer has no waiting place.
-- @include queue-member
local m = loadMember(KEYS[2], ARGV[1])
if not m or m.state ~= "waiting" then return 0 end
redis.call("ZADD", KEYS[1], "NX", ARGV[2], ARGV[1])
return 1

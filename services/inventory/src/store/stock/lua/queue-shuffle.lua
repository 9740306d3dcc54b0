-- queue-shuffle: the opening draw of a queued drop: the early joiners take places 1..n in the order the
-- admitter computed from the committed seed (domain/fair-order.ts), once; the seed is published.
-- KEYS: 5
--   KEYS[1] {drop:<id>}:queue hash (startsAtMs seedSecret shuffled fence; writes seed algorithm openedAtMs)
--   KEYS[2] {drop:<id>}:line zset
--   KEYS[3] {drop:<id>}:early zset buyerId scored by join seq
--   KEYS[4] {drop:<id>}:members hash
--   KEYS[5] {drop:<id>}:fairness list: the early joiners' receipts in join order (what /fairness shows)
-- ARGV:
--   ARGV[1] fencing token of the admitter's lock (drop:<id>:admitter)
--   ARGV[2] nowMs ("" = Redis server time)
--   ARGV[3] algorithm (the text /fairness shows)
--   ARGV[4] the first early joiner's buyerId in drawn order; ARGV[5], ... the others, in order
-- RETURNS: {"SHUFFLED", n}; {"ALREADY"} drawn before (nothing written); {"NOT_YET", startsAtMs} before the
--   opening; {"CHANGED"} the list is not exactly the early joiners (one left meanwhile: read and draw
--   again); {"STALE_FENCE", fence} a newer admitter holds the lock (nothing written).
-- @include server-time
-- @include queue-member
local fence = tonumber(ARGV[1])
local stored = tonumber(redis.call("HGET", KEYS[1], "fence") or "0")
if fence < stored then return {"STALE_FENCE", stored} end
redis.call("HSET", KEYS[1], "fence", ARGV[1])
local q = redis.call("HMGET", KEYS[1], "shuffled", "startsAtMs", "seedSecret")
if q[1] == "1" then return {"ALREADY"} end
local now = nowMs(ARGV[2])
if now < tonumber(q[2]) then return {"NOT_YET", tonumber(q[2])} end
local n = #ARGV - 3
if n ~= redis.call("ZCARD", KEYS[3]) then return {"CHANGED"} end
for i = 4, #ARGV do
  if not redis.call("ZSCORE", KEYS[3], ARGV[i]) then return {"CHANGED"} end
end
redis.call("DEL", KEYS[5])
for _, buyerId in ipairs(redis.call("ZRANGE", KEYS[3], 0, -1)) do
  local m = loadMember(KEYS[4], buyerId)
  if m then redis.call("RPUSH", KEYS[5], m.receipt) end
end
for i = 4, #ARGV do redis.call("ZADD", KEYS[2], i - 3, ARGV[i]) end
redis.call("DEL", KEYS[3])
redis.call("HSET", KEYS[1], "shuffled", "1", "seed", q[3], "algorithm", ARGV[3], "openedAtMs", string.format("%d", now),
  "lastTickMs", string.format("%d", now), "credit", "0")
queueChanged(KEYS[1])
return {"SHUFFLED", n}

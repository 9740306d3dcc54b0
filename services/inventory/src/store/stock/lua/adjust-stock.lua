-- adjust-stock: restock (delta > 0) or withdraw (delta < 0) units of a loaded drop; fenced.
-- KEYS: 2
--   KEYS[1] {drop:<id>}:meta hash
--   KEYS[2] {drop:<id>}:events stream
-- ARGV:
--   ARGV[1] dropId
--   ARGV[2] delta (non-zero integer; available + delta must stay >= 0)
--   ARGV[3] fencing token of the caller's drop:<id>:adjust lock (integer >= 1)
--   ARGV[4] nowMs ("" = Redis server time)
-- RETURNS: {"ADJUSTED", available, adjustments} and one "adjusted" event (qty = delta);
--   {"NOT_LOADED"}; {"INSUFFICIENT", available} when a withdrawal exceeds the available units;
--   {"STALE_FENCE", storedFence} when the token is older than the last adjustment's. Only ADJUSTED writes.
-- @include server-time
-- @include stock-event
local delta = tonumber(ARGV[2])
local fence = tonumber(ARGV[3])
if not delta or delta == 0 or delta ~= math.floor(delta) then return redis.error_reply("ERR adjust-stock: delta must be a non-zero integer") end
if not fence or fence < 1 then return redis.error_reply("ERR adjust-stock: bad fence") end
local m = redis.call("HMGET", KEYS[1], "status", "available", "held", "sold", "adjustments", "adjustFence")
if not m[1] then return {"NOT_LOADED"} end
local stored = tonumber(m[6] or "0")
if fence < stored then return {"STALE_FENCE", stored} end
local available = tonumber(m[2])
if available + delta < 0 then return {"INSUFFICIENT", available} end
available = available + delta
local adjustments = tonumber(m[5] or "0") + delta
redis.call("HSET", KEYS[1], "available", available, "adjustments", adjustments, "adjustFence", fence)
stockEvent(KEYS[2], "adjusted", ARGV[1], "", "", delta, {available = available, held = m[3], sold = m[4]}, nowMs(ARGV[4]))
return {"ADJUSTED", available, adjustments}

-- open-drop: load one drop's stock into Redis once; never overwrites live counters.
-- KEYS: 2
--   KEYS[1] {drop:<id>}:meta hash
--   KEYS[2] {drop:<id>}:events stream
-- ARGV:
--   ARGV[1] dropId
--   ARGV[2] total units (integer >= 0)
--   ARGV[3] startsAtMs (epoch ms)
--   ARGV[4] perBuyerLimit (integer; 0 = no limit)
--   ARGV[5] holdMs (integer >= 1)
--   ARGV[6] fencing token of the caller's drop:<id>:open lock (integer >= 0)
--   ARGV[7] status to open with: open | paused
--   ARGV[8] nowMs ("" = Redis server time)
--   ARGV[9] kind of stock item: drop | product ("" = drop), stored in meta as kind
-- RETURNS: {"LOADED"} and one "opened" event; {"ALREADY", status, storedFence} when loaded with a fence
--   <= ARGV[6] (nothing written); {"STALE_FENCE", storedFence} when ARGV[6] < stored fence (nothing written)
-- @include server-time
-- @include stock-event
local total = tonumber(ARGV[2])
local startsAt = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local holdMs = tonumber(ARGV[5])
local fence = tonumber(ARGV[6])
local status = ARGV[7]
local kind = ARGV[9]
if kind == nil or kind == "" then kind = "drop" end
if not (total and total >= 0 and startsAt and limit and limit >= 0 and holdMs and holdMs >= 1 and fence and fence >= 0) then
  return redis.error_reply("ERR open-drop: bad numeric argument")
end
if status ~= "open" and status ~= "paused" then return redis.error_reply("ERR open-drop: status must be open or paused") end
if kind ~= "drop" and kind ~= "product" then return redis.error_reply("ERR open-drop: kind must be drop or product") end

local cur = redis.call("HMGET", KEYS[1], "status", "fence")
if cur[1] then
  local stored = tonumber(cur[2]) or 0
  if fence < stored then return {"STALE_FENCE", stored} end
  return {"ALREADY", cur[1], stored}
end

redis.call("HSET", KEYS[1], "status", status, "startsAtMs", string.format("%d", startsAt),
  "perBuyerLimit", limit, "holdMs", holdMs, "total", total, "adjustments", 0,
  "available", total, "held", 0, "sold", 0, "fence", string.format("%d", fence), "kind", kind)
stockEvent(KEYS[2], "opened", ARGV[1], "", "", total, {available = total, held = 0, sold = 0}, nowMs(ARGV[8]), {"status", status})
return {"LOADED"}

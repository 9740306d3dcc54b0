-- set-drop-status: pause, resume or close one loaded drop (admin stock control); idempotent.
-- KEYS: 2
--   KEYS[1] {drop:<id>}:meta hash
--   KEYS[2] {drop:<id>}:events stream
-- ARGV:
--   ARGV[1] dropId
--   ARGV[2] new status: open | paused | closed
--   ARGV[3] nowMs ("" = Redis server time)
-- RETURNS: {"CHANGED", previous} (one "status" event); {"UNCHANGED", status} (nothing written);
--   {"NOT_LOADED"} when the drop was never opened
-- @include server-time
-- @include stock-event
local status = ARGV[2]
if status ~= "open" and status ~= "paused" and status ~= "closed" then
  return redis.error_reply("ERR set-drop-status: status must be open, paused or closed")
end
local m = redis.call("HMGET", KEYS[1], "status", "available", "held", "sold")
if not m[1] then return {"NOT_LOADED"} end
if m[1] == status then return {"UNCHANGED", status} end
redis.call("HSET", KEYS[1], "status", status)
stockEvent(KEYS[2], "status", ARGV[1], "", "", 0, {available = m[2], held = m[3], sold = m[4]}, nowMs(ARGV[3]), {"status", status})
return {"CHANGED", m[1]}

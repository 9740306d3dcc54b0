-- server-time: the epoch ms of a change: the caller's nowMs, else Redis server time (one clock for every instance).
local function nowMs(arg)
  local now = tonumber(arg)
  if now then return now end
  local t = redis.call("TIME")
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

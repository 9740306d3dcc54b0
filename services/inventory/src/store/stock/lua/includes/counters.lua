-- counters: a drop's available / held / sold in {drop:<id>}:meta.
local function readCounters(meta)
  local m = redis.call("HMGET", meta, "available", "held", "sold")
  return {available = m[1], held = m[2], sold = m[3]}
end

-- qty units go from one counter to another (held -> sold, held -> available, sold -> available).
local function moveUnits(meta, from, to, qty)
  redis.call("HINCRBY", meta, from, -qty)
  redis.call("HINCRBY", meta, to, qty)
  return readCounters(meta)
end

-- archive-drop: compact one ended and settled drop to its meta hash (the hot set's archive step); idempotent.
-- KEYS: 6
--   KEYS[1] {drop:<id>}:meta hash
--   KEYS[2] {drop:<id>}:buyers hash
--   KEYS[3] {drop:<id>}:holds hash
--   KEYS[4] {drop:<id>}:expiry zset
--   KEYS[5] {drop:<id>}:events stream
--   KEYS[6] {drop:<id>}:relay lease key of the stream relay
-- ARGV:
--   ARGV[1] last stream entry id the caller found in the ledger ("" = the stream had none): the stream
--     must not have moved since the caller compared Redis with the ledger
--   ARGV[2] nowMs ("" = Redis server time)
-- RETURNS: {"ARCHIVED", lastStreamId} (buyers, holds, expiry, stream deleted; meta keeps its counters and
--   status and gets archived = nowMs, archivedStreamId; a drop archived before and written since, e.g. by
--   a status change, is compacted again); {"NOT_SETTLED", reason} (nothing written) when the drop is not a drop, is live (open or paused with units
--   left), has a hold, has stream entries not relayed and trimmed, or moved past ARGV[1];
--   {"RELAYING"} when a relay still leases the stream (nothing written: try again once it let go);
--   {"NOT_LOADED"} when there is no meta hash.
-- @include server-time
local m = redis.call("HMGET", KEYS[1], "status", "kind", "available", "held")
if not m[1] then return {"NOT_LOADED"} end
if m[2] == "product" then return {"NOT_SETTLED", "product"} end
if m[1] ~= "closed" and tonumber(m[3]) > 0 then return {"NOT_SETTLED", "live"} end
if tonumber(m[4]) ~= 0 or redis.call("ZCARD", KEYS[4]) ~= 0 then return {"NOT_SETTLED", "holds"} end
local lastId = ""
if redis.call("EXISTS", KEYS[5]) == 1 then
  if redis.call("XLEN", KEYS[5]) ~= 0 then return {"NOT_SETTLED", "unrelayed"} end
  local info = redis.call("XINFO", "STREAM", KEYS[5])
  for i = 1, #info, 2 do
    if info[i] == "last-generated-id" then lastId = info[i + 1] end
  end
end
if lastId ~= ARGV[1] then return {"NOT_SETTLED", "moved"} end
if redis.call("EXISTS", KEYS[6]) == 1 then return {"RELAYING"} end
redis.call("DEL", KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call("HSET", KEYS[1], "archived", string.format("%d", nowMs(ARGV[2])), "archivedStreamId", lastId)
return {"ARCHIVED", lastId}

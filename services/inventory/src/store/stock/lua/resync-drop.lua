-- resync-drop: rebuild one drop's live stock (counters, holds, buyers, expiry) from the ledger; fenced.
-- KEYS: 5
--   KEYS[1] {drop:<id>}:meta hash
--   KEYS[2] {drop:<id>}:buyers hash buyerId -> units taken
--   KEYS[3] {drop:<id>}:holds hash orderId -> "buyerId|qty|expiresAtMs|state|fingerprint"
--   KEYS[4] {drop:<id>}:expiry zset
--   KEYS[5] {drop:<id>}:events stream
-- ARGV:
--   ARGV[1] dropId
--   ARGV[2] fencing token of the caller's drop:<id>:resync lock (integer >= 1)
--   ARGV[3] last stream entry id the ledger was brought up to ("" = the stream did not exist)
--   ARGV[4] total
--   ARGV[5] adjustments
--   ARGV[6] available
--   ARGV[7] held
--   ARGV[8] sold
--   ARGV[9] startsAtMs (used when the meta hash is gone)
--   ARGV[10] perBuyerLimit (used when the meta hash is gone)
--   ARGV[11] holdMs (used when the meta hash is gone)
--   ARGV[12] nowMs ("" = Redis server time)
--   ARGV[13] kind: drop | product (used when the meta hash is gone)
--   ARGV[14] number of holds that follow, then 5 values per hold: orderId, buyerId, qty, expiresAtMs, state
-- An archived drop (archive-drop.lua) is re-loaded: its archived mark is removed.
-- RETURNS: {"RESYNCED"} (one "status" event with the rebuilt counters); {"STALE_FENCE", storedFence} when
--   the token is older than the last resync's; {"CHANGED", lastId} when the stream moved past the given
--   last id (an entry not yet in the ledger: bring the ledger up to date and retry). Nothing written unless RESYNCED.
-- @include server-time
-- @include hold
-- @include stock-event
local fence = tonumber(ARGV[2])
if not fence or fence < 1 then return redis.error_reply("ERR resync-drop: bad fence") end
local stored = tonumber(redis.call("HGET", KEYS[1], "resyncFence") or "0")
if fence < stored then return {"STALE_FENCE", stored} end
local lastId = ""
if redis.call("EXISTS", KEYS[5]) == 1 then
  local info = redis.call("XINFO", "STREAM", KEYS[5])
  for i = 1, #info, 2 do
    if info[i] == "last-generated-id" then lastId = info[i + 1] end
  end
end
if lastId ~= ARGV[3] then return {"CHANGED", lastId} end
local now = nowMs(ARGV[12])
local cur = redis.call("HMGET", KEYS[1], "status", "startsAtMs", "perBuyerLimit", "holdMs", "fence", "kind")
local status = cur[1] or "open"
redis.call("DEL", KEYS[2], KEYS[3], KEYS[4])
local n = tonumber(ARGV[14]) or 0
local base = 14
local taken = {}
for i = 0, n - 1 do
  local o, b, q, e, s = ARGV[base + 1 + i * 5], ARGV[base + 2 + i * 5], ARGV[base + 3 + i * 5], ARGV[base + 4 + i * 5], ARGV[base + 5 + i * 5]
  saveHold(KEYS[3], o, {buyerId = b, qty = q, expiresAt = e, fingerprint = ""}, s)
  if s == "held" then redis.call("ZADD", KEYS[4], e, o) end
  if s == "held" or s == "sold" then taken[b] = (taken[b] or 0) + tonumber(q) end
end
for b, q in pairs(taken) do redis.call("HSET", KEYS[2], b, q) end
redis.call("HSET", KEYS[1], "status", status, "startsAtMs", cur[2] or ARGV[9], "perBuyerLimit", cur[3] or ARGV[10],
  "holdMs", cur[4] or ARGV[11], "total", ARGV[4], "adjustments", ARGV[5], "available", ARGV[6], "held", ARGV[7],
  "sold", ARGV[8], "fence", cur[5] or "0", "resyncFence", fence, "kind", cur[6] or ARGV[13])
redis.call("HDEL", KEYS[1], "archived", "archivedStreamId")
stockEvent(KEYS[5], "status", ARGV[1], "", "", 0, {available = ARGV[6], held = ARGV[7], sold = ARGV[8]}, now, {"status", status})
return {"RESYNCED"}

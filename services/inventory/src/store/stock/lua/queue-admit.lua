-- queue-admit: one admitter tick of a queued drop: expire unspent admissions past their time, drop
-- abandoned places, then admit from the head of the line at admitPerSecond (a credit kept here, so
-- any admitter continues the same rate; at most one second of burst) while the room lasts: the
-- drop's available units minus the units admitted buyers may still take. Atomic with the stock.
-- KEYS: 7
--   KEYS[1] {drop:<id>}:queue hash (shuffled admitPerSecond credit lastTickMs outstanding roomOpen fence admissionSeq)
--   KEYS[2] {drop:<id>}:line zset
--   KEYS[3] {drop:<id>}:members hash
--   KEYS[4] {drop:<id>}:admitted zset buyerId scored by admission expiresAtMs
--   KEYS[5] {drop:<id>}:away zset buyerId scored by deadlineMs
--   KEYS[6] {drop:<id>}:meta hash of the drop's stock (status startsAtMs perBuyerLimit available)
--   KEYS[7] {drop:<id>}:buyers hash buyerId -> units taken
-- ARGV:
--   ARGV[1] fencing token of the admitter's lock (drop:<id>:admitter)
--   ARGV[2] nowMs ("" = Redis server time)
--   ARGV[3] admission lifetime in ms
--   ARGV[4] most admissions (and most expiries, most drops) in this call
-- RETURNS: {"TICKED", admitted, expired, dropped, room, waiting}; {"NOT_SHUFFLED"} the line is not drawn
--   yet (nothing written but the fence); {"STALE_FENCE", fence} a newer admitter holds the lock (nothing written).
--   An admission is for min(perBuyerLimit - units the buyer has, room) units; a buyer who already has
--   every unit the limit allows is passed over (expired).
-- @include server-time
-- @include queue-member
local fence = tonumber(ARGV[1])
local stored = tonumber(redis.call("HGET", KEYS[1], "fence") or "0")
if fence < stored then return {"STALE_FENCE", stored} end
redis.call("HSET", KEYS[1], "fence", ARGV[1])
local q = redis.call("HMGET", KEYS[1], "shuffled", "admitPerSecond", "credit", "lastTickMs", "outstanding", "roomOpen")
if q[1] ~= "1" then return {"NOT_SHUFFLED"} end
local now = nowMs(ARGV[2])
local ttl = tonumber(ARGV[3])
local max = tonumber(ARGV[4])
local outstanding = tonumber(q[5] or "0")
local expired, dropped, admitted = 0, 0, 0

for _, buyerId in ipairs(redis.call("ZRANGEBYSCORE", KEYS[4], "-inf", now, "LIMIT", 0, max)) do
  redis.call("ZREM", KEYS[4], buyerId)
  local m = loadMember(KEYS[3], buyerId)
  if m then
    outstanding = outstanding - m.units
    if m.state == "admitted" then
      m.state = "expired"
      saveMember(KEYS[3], buyerId, m)
    end
    expired = expired + 1
  end
end

for _, buyerId in ipairs(redis.call("ZRANGEBYSCORE", KEYS[5], "-inf", now, "LIMIT", 0, max)) do
  redis.call("ZREM", KEYS[5], buyerId)
  local m = loadMember(KEYS[3], buyerId)
  if m and m.state == "waiting" then
    redis.call("ZREM", KEYS[2], buyerId)
    m.state = "expired"
    m.outcome = "ABANDONED"
    saveMember(KEYS[3], buyerId, m)
    dropped = dropped + 1
  end
end

local rate = tonumber(q[2])
local last = tonumber(q[4] or now)
local credit = math.min(rate, tonumber(q[3] or "0") + math.max(0, now - last) * rate / 1000)
local s = redis.call("HMGET", KEYS[6], "status", "startsAtMs", "perBuyerLimit", "available")
local room = 0
if s[1] then room = tonumber(s[4]) - outstanding end
if s[1] == "open" and now >= tonumber(s[2]) then
  local limit = tonumber(s[3])
  while credit >= 1 and room > 0 and admitted < max do
    local head = redis.call("ZRANGE", KEYS[2], 0, 0)
    if #head == 0 then break end
    local buyerId = head[1]
    redis.call("ZREM", KEYS[2], buyerId)
    local m = loadMember(KEYS[3], buyerId)
    if m and m.state == "waiting" then
      local left = room
      if limit > 0 then left = math.min(room, limit - tonumber(redis.call("HGET", KEYS[7], buyerId) or "0")) end
      if left <= 0 then
        m.state = "expired"
        m.outcome = "LIMIT_REACHED"
      else
        m.state = "admitted"
        m.admissionId = tostring(redis.call("HINCRBY", KEYS[1], "admissionSeq", 1))
        m.expiresAt = now + ttl
        m.units = left
        redis.call("ZADD", KEYS[4], m.expiresAt, buyerId)
        outstanding = outstanding + left
        room = room - left
        credit = credit - 1
        admitted = admitted + 1
      end
      saveMember(KEYS[3], buyerId, m)
    end
  end
end

local roomOpen = "0"
if room > 0 then roomOpen = "1" end
redis.call("HSET", KEYS[1], "credit", tostring(credit), "lastTickMs", string.format("%d", now), "outstanding", outstanding, "roomOpen", roomOpen)
if admitted + expired + dropped > 0 or roomOpen ~= q[6] then queueChanged(KEYS[1]) end
return {"TICKED", admitted, expired, dropped, room, redis.call("ZCARD", KEYS[2])}

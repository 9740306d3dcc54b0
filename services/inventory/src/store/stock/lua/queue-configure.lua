-- queue-configure: make a drop a queued drop (its waiting room's settings), before it opens; idempotent.
-- KEYS: 1
--   KEYS[1] {drop:<id>}:queue hash (admitPerSecond startsAtMs seedSecret shuffled seed algorithm seq
--           admissionSeq outstanding credit lastTickMs roomOpen fence openedAtMs)
-- ARGV:
--   ARGV[1] admitPerSecond (integer 1..10000)
--   ARGV[2] startsAtMs of the drop
--   ARGV[3] seed (the committed secret of the opening shuffle; [0-9a-f]{64})
-- RETURNS: {"CONFIGURED"} (settings written or already the same); {"ALREADY_OPEN"} the line was drawn
--   already (nothing changes after the opening); {"SEED_FIXED"} another seed is committed (nothing written).
local shuffled, seed = unpack(redis.call("HMGET", KEYS[1], "shuffled", "seedSecret"))
if shuffled == "1" then return {"ALREADY_OPEN"} end
if seed and seed ~= ARGV[3] then return {"SEED_FIXED"} end
local rate = tonumber(ARGV[1])
if not rate or rate < 1 or rate ~= math.floor(rate) then return redis.error_reply("ERR queue-configure: bad admitPerSecond") end
if not string.match(ARGV[3], "^[0-9a-f]+$") then return redis.error_reply("ERR queue-configure: bad seed") end
redis.call("HSET", KEYS[1], "admitPerSecond", rate, "startsAtMs", ARGV[2], "seedSecret", ARGV[3])
return {"CONFIGURED"}

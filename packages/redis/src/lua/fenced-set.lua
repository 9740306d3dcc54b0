-- fenced-set: SET a key only when the caller's fencing token is not stale.
-- KEYS: 2
--   KEYS[1] fence key: `fence:<resource>` of the lock (highest token issued or accepted)
--   KEYS[2] target key to write
-- ARGV:
--   ARGV[1] token: the fencing token returned by acquire (positive integer)
--   ARGV[2] value to SET
--   ARGV[3] ttl in milliseconds; 0 or empty keeps no expiry
-- RETURNS: 1 when written; 0 when the token is older than the fence (stale holder), nothing written
local token = tonumber(ARGV[1])
if not token then return redis.error_reply("fenced-set: token is not a number") end
local current = tonumber(redis.call("GET", KEYS[1]) or "0")
if token < current then return 0 end
if token > current then redis.call("SET", KEYS[1], token) end
local ttl = tonumber(ARGV[3])
if ttl and ttl > 0 then
  redis.call("SET", KEYS[2], ARGV[2], "PX", ttl)
else
  redis.call("SET", KEYS[2], ARGV[2])
end
return 1

-- relay-lease: take, keep or give up the lease that makes one relay instance the only reader of a drop stream.
-- KEYS: 1
--   KEYS[1] {drop:<id>}:relay lease key (value: owner)
-- ARGV:
--   ARGV[1] owner (the relay's consumer name)
--   ARGV[2] ttl in ms; 0 = release the lease if owned
-- RETURNS: 2 lease newly taken; 1 lease kept (extended); 0 owned by someone else (or released)
local cur = redis.call("GET", KEYS[1])
local ttl = tonumber(ARGV[2])
if ttl == 0 then
  if cur == ARGV[1] then redis.call("DEL", KEYS[1]) end
  return 0
end
if cur == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ttl)
  return 1
end
if cur then return 0 end
redis.call("SET", KEYS[1], ARGV[1], "PX", ttl)
return 2

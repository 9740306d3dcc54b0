-- fence-incr: issue the next fencing token, only to the current holder of a lock.
-- KEYS: 2
--   KEYS[1] lock key (the Redlock resource key)
--   KEYS[2] fence key: `fence:<resource>`, a counter that never decreases
-- ARGV:
--   ARGV[1] lock value the caller holds (Redlock's random value)
-- RETURNS: the new token (integer >= 1); 0 when the caller does not hold the lock on this node
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call("INCR", KEYS[2])

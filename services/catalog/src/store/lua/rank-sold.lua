-- rank-sold: apply one stock item's sold units (a StockChanged snapshot) to the rankings, once per newer seq.
-- A drop's score is its sold units; a product's is the sum over its own stock and all its drops,
-- kept by adding the change since the item's last applied snapshot. Members at 0 are removed.
-- KEYS: 3
--   KEYS[1] hash item id -> "<seq>:<sold>" of the last snapshot applied
--   KEYS[2] sorted set of drops by sold units
--   KEYS[3] sorted set of products by sold units
-- ARGV:
--   ARGV[1] stock item id (a drop id or a product id)
--   ARGV[2] the product id (the drop's product, or the item itself)
--   ARGV[3] "drop" or "product"
--   ARGV[4] the snapshot's seq (integer, grows per item)
--   ARGV[5] the snapshot's sold units (integer >= 0)
-- RETURNS: 1 when applied; 0 when the item already has this or a newer snapshot (replay, reordering)
local seq = tonumber(ARGV[4])
local sold = tonumber(ARGV[5])
local prevSeq, prevSold = -1, 0
local prev = redis.call("HGET", KEYS[1], ARGV[1])
if prev then
  local s, n = string.match(prev, "^(%d+):(%d+)$")
  prevSeq, prevSold = tonumber(s), tonumber(n)
end
if seq <= prevSeq then return 0 end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[4] .. ":" .. ARGV[5])
if ARGV[3] == "drop" then
  if sold > 0 then redis.call("ZADD", KEYS[2], sold, ARGV[1]) else redis.call("ZREM", KEYS[2], ARGV[1]) end
end
local delta = sold - prevSold
if delta ~= 0 then
  local score = tonumber(redis.call("ZINCRBY", KEYS[3], delta, ARGV[2]))
  if score <= 0 then redis.call("ZREM", KEYS[3], ARGV[2]) end
end
return 1

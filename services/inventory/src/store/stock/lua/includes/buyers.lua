-- buyers: units each buyer has taken (held + sold) in {drop:<id>}:buyers; a field is deleted at 0.
local function giveBack(buyers, buyerId, qty)
  if redis.call("HINCRBY", buyers, buyerId, -qty) <= 0 then redis.call("HDEL", buyers, buyerId) end
end

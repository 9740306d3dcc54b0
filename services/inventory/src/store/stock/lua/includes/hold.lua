-- hold: one order's record in {drop:<id>}:holds, "buyerId|qty|expiresAtMs|state|fingerprint" (kept after
-- the hold ends: it is the idempotency record). A hold is {buyerId, qty, expiresAt, state, fingerprint}.
local function loadHold(holds, orderId)
  local raw = redis.call("HGET", holds, orderId)
  if not raw then return nil end
  local b, q, e, s, f = string.match(raw, "^(.*)|(%d+)|(%d+)|(%a+)|([%w_%-]*)$")
  return {buyerId = b, qty = tonumber(q), expiresAt = e, state = s, fingerprint = f}
end

local function saveHold(holds, orderId, hold, state)
  hold.state = state
  redis.call("HSET", holds, orderId, hold.buyerId .. "|" .. hold.qty .. "|" .. hold.expiresAt .. "|" .. state .. "|" .. hold.fingerprint)
end

-- queue-member: one buyer's place in a queued drop's waiting room, in {drop:<id>}:members as
-- "state|receipt|admissionId|expiresAtMs|units|orderId|outcome". States: waiting (in the line, or in
-- the early joiners before the opening shuffle), admitted (an unspent admission of `units` units until
-- expiresAtMs), spent (the admission was used by orderId; outcome HELD or SOLD_OUT), expired (the
-- admission ran out unused, the place was abandoned, or the buyer already had every unit allowed).
local function loadMember(members, buyerId)
  local raw = redis.call("HGET", members, buyerId)
  if not raw then return nil end
  local s, r, a, e, u, o, c = string.match(raw, "^(%a+)|([^|]*)|([^|]*)|(%d*)|(%d*)|([^|]*)|([^|]*)$")
  if not s then return nil end
  return {state = s, receipt = r, admissionId = a, expiresAt = tonumber(e) or 0, units = tonumber(u) or 0, orderId = o, outcome = c}
end

local function saveMember(members, buyerId, m)
  redis.call("HSET", members, buyerId, m.state .. "|" .. m.receipt .. "|" .. (m.admissionId or "") .. "|" ..
    string.format("%d", m.expiresAt or 0) .. "|" .. string.format("%d", m.units or 0) .. "|" .. (m.orderId or "") .. "|" .. (m.outcome or ""))
end

-- Tells every gateway watching the drop's line that something changed (PUBLISH <queue key>:changes).
local function queueChanged(queue)
  redis.call("PUBLISH", queue .. ":changes", "1")
end

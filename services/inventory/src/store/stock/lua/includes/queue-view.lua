-- queue-view: how a member's place reads: {status, position, receipt, admissionId, expiresAtMs, orderId}.
-- status: waiting | sold_out (waiting, but the drop's available units minus the units admitted buyers
-- may still take are 0 after the opening) | admitted | expired. position: 1 = next to be admitted; -1 =
-- not drawn yet (joined before the opening shuffle); 0 = not in the line (admitted, spent, expired).
-- q = {queue, line, early, meta (the drop's stock meta)}.
-- @include queue-member

-- Units the waiting room may still admit buyers for: available minus outstanding admissions; nil when
-- the drop's stock is not loaded yet.
local function admitRoom(queue, meta)
  local available = redis.call("HGET", meta, "available")
  if not available then return nil end
  return tonumber(available) - tonumber(redis.call("HGET", queue, "outstanding") or "0")
end

local function memberView(q, buyerId, m, now)
  if m.state == "waiting" then
    local shuffled = redis.call("HGET", q.queue, "shuffled") == "1"
    local position = 0
    if not shuffled and redis.call("ZSCORE", q.early, buyerId) then
      position = -1
    else
      local rank = redis.call("ZRANK", q.line, buyerId)
      if rank then
        position = rank + 1
        if not shuffled then position = position + redis.call("ZCARD", q.early) end
      end
    end
    local status = "waiting"
    if shuffled then
      local room = admitRoom(q.queue, q.meta)
      if room and room <= 0 then status = "sold_out" end
    end
    return {status, position, m.receipt, "", 0, ""}
  elseif m.state == "admitted" then
    if now >= m.expiresAt then return {"expired", 0, m.receipt, "", 0, ""} end
    return {"admitted", 0, m.receipt, m.admissionId, m.expiresAt, ""}
  elseif m.state == "spent" then
    if m.outcome == "SOLD_OUT" then return {"sold_out", 0, m.receipt, "", 0, m.orderId} end
    return {"admitted", 0, m.receipt, "", 0, m.orderId}
  end
  return {"expired", 0, m.receipt, "", 0, ""}
end

-- stock-event: append one entry to the drop's stock stream {drop:<id>}:events, in the same script as
-- the change (the stock README, "Stream entry"). c: the counters after the change {available, held,
-- sold}; now: epoch ms; extra: more field, value pairs (expiresAtMs, status, reason, ...).
local function stockEvent(stream, kind, dropId, orderId, buyerId, qty, c, now, extra)
  local entry = {"v", "1", "type", kind, "dropId", dropId, "orderId", orderId, "buyerId", buyerId,
    "qty", qty, "available", c.available, "held", c.held, "sold", c.sold, "at", string.format("%d", now)}
  for _, v in ipairs(extra or {}) do entry[#entry + 1] = v end
  redis.call("XADD", stream, "*", unpack(entry))
end

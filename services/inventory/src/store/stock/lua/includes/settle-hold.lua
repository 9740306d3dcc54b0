-- settle-hold: move one order's hold from state t.from to t.to (confirm, release, refund) and answer.
-- Moving writes, together: the drop's counters (t.units = {from counter, to counter}), the buyer's
-- units (when t.buyers is given), the expiry zset (when t.expiry is given), the hold record and one
-- t.event stream entry. t = {meta, holds, stream, buyers?, expiry?, dropId, orderId, now (ARGV value,
-- "" = server time), from, to, units, event, done, replays, refused, withState?, missing?}.
-- Answers {t.done, buyerId, qty, replay (0 moved, 1 state in t.replays: nothing written)} (plus the
-- state with t.withState); {t.refused, state} for any other state; {"ARCHIVED"} (nothing written) when the
-- order is not in the holds hash of an archived drop (its outcome is in the ledger: re-load the drop and
-- ask again); t.missing() or {"NOT_FOUND"} when the order never reserved.
-- @include server-time
-- @include hold
-- @include counters
-- @include buyers
-- @include stock-event
local function settleHold(t)
  local hold = loadHold(t.holds, t.orderId)
  if not hold then
    if redis.call("HEXISTS", t.meta, "archived") == 1 then return {"ARCHIVED"} end
    if t.missing then return t.missing() end
    return {"NOT_FOUND"}
  end
  local replay = 1
  if hold.state == t.from then
    local c = moveUnits(t.meta, t.units[1], t.units[2], hold.qty)
    if t.buyers then giveBack(t.buyers, hold.buyerId, hold.qty) end
    saveHold(t.holds, t.orderId, hold, t.to)
    if t.expiry then redis.call("ZREM", t.expiry, t.orderId) end
    stockEvent(t.stream, t.event, t.dropId, t.orderId, hold.buyerId, hold.qty, c, nowMs(t.now), t.extra)
    replay = 0
  elseif not t.replays[hold.state] then
    return {t.refused, hold.state}
  end
  if t.withState then return {t.done, hold.buyerId, hold.qty, replay, hold.state} end
  return {t.done, hold.buyerId, hold.qty, replay}
end

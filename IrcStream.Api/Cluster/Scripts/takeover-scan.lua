-- One takeover round's candidates (TakeoverCandidates.FindAsync): reads only the connections the index says are due.
-- KEYS[1] expiries  the lease-expiry index (sorted set of ids by when their lease may run out, Redis's clock ms)
-- KEYS[2] connections the set of every connection with a record
-- ARGV[1] head      what a connection's keys start with before the id ('<prefix>:{')
-- ARGV[2] lease     what the lease key has after the id ('}:lease')
-- ARGV[3] record    what the record key has after the id ('}:conn')
-- ARGV[4] end       what the end mark key has after the id ('}:end')
-- ARGV[5] mark      this node's handover mark ('<node>:handover:')
-- ARGV[6] most      how many due ids to read
-- Returns {orphan ids, ids handed to this node, their lease tokens}. A due id without lease and record (or whose log
-- ended) leaves both sets; one whose lease is held gets its lease's real expiry as its score.
-- The keys are built here from the id, so they are not declared: this needs one Redis primary, not Redis Cluster.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[6]))
local orphans, handed, tokens = {}, {}, {}
for _, id in ipairs(due) do
  local lease = ARGV[1] .. id .. ARGV[2]
  local held = redis.call('GET', lease)
  if not held then
    if redis.call('EXISTS', ARGV[1] .. id .. ARGV[3]) == 1 and redis.call('EXISTS', ARGV[1] .. id .. ARGV[4]) == 0 then
      orphans[#orphans + 1] = id
    else
      redis.call('ZREM', KEYS[1], id)
      redis.call('SREM', KEYS[2], id)
    end
  elseif string.sub(held, 1, #ARGV[5]) == ARGV[5] then
    handed[#handed + 1] = id
    tokens[#tokens + 1] = held
  elseif not string.find(held, ':handover:', 1, true) then
    local ttl = redis.call('PTTL', lease)
    if ttl > 0 then redis.call('ZADD', KEYS[1], now + ttl, id) end
  end
end
return {orphans, handed, tokens}

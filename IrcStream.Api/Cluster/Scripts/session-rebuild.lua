-- Puts a session back after Redis lost its data (RedisRebuild), from what one node knows of it: its client address,
-- how long it has left by this node's last sight of it, and the connections of it this node holds. Every node that
-- knows the session runs it, so the session ends up with the connections of all of them and the longest life any saw.
-- KEYS[1] session   the session's record
-- KEYS[2] sessions  live sessions, scored with their expiry (Redis's clock, ms)
-- KEYS[3] from      live sessions from the client's address
-- ARGV[1] ms        how long the session has left, by this node
-- ARGV[2] address   the client's address the session was created from; '' when this node does not know it (then
--                   KEYS[3] is left alone, and the session counts for no address)
-- ARGV[3..] ids     the connections of the session this node holds
-- Returns 1 the session was missing and is back; 0 it existed (the ids missing from it are added, a longer life kept).
local now_t = redis.call('TIME')
local now = tonumber(now_t[1]) * 1000 + math.floor(tonumber(now_t[2]) / 1000)
local ttl = tonumber(ARGV[1])
local created = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'address', ARGV[2], 'connections', '')
  created = 1
end
local c = redis.call('HGET', KEYS[1], 'connections') or ''
local have = {}
for id in string.gmatch(c, '%S+') do have[id] = true end
for i = 3, #ARGV do
  if not have[ARGV[i]] then
    if c == '' then c = ARGV[i] else c = c .. ' ' .. ARGV[i] end
    have[ARGV[i]] = true
  end
end
redis.call('HSET', KEYS[1], 'connections', c)
if created == 1 or redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
  if ARGV[2] ~= '' then
    redis.call('ZADD', KEYS[3], now + ttl, KEYS[1])
    if redis.call('PTTL', KEYS[3]) < ttl then redis.call('PEXPIRE', KEYS[3], ttl) end
  end
end
return created

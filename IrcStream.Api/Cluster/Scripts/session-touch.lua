-- Restarts a session's idle clock (SessionKeepAlive.TouchAsync).
-- KEYS[1] session   the session's record
-- KEYS[2] sessions  live sessions, scored with their expiry
-- ARGV[1] ms        the idle timeout
-- ARGV[2] prefix    what the per-address set's key has before the address ('<prefix>:sessions-from:')
-- Returns {address, connection ids separated by spaces}, or false when the session has expired.
-- The per-address key is built here from the stored address, so it is not declared: this needs one Redis primary.
local v = redis.call('HMGET', KEYS[1], 'address', 'connections')
if not v[1] then return false end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local idle = tonumber(ARGV[1])
redis.call('PEXPIRE', KEYS[1], idle)
redis.call('ZADD', KEYS[2], now + idle, KEYS[1])
local from = ARGV[2] .. v[1]
redis.call('ZADD', from, now + idle, KEYS[1])
redis.call('PEXPIRE', from, idle)
return v

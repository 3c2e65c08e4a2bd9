-- A new session, if the limits allow (RedisSessionStore.ResolveAsync). Two nodes never both take the last slot.
-- KEYS[1] session   the new session's record ({prefix}:session:<sha256 of the cookie>)
-- KEYS[2] sessions  live sessions, scored with their expiry (Redis's clock, ms)
-- KEYS[3] from      live sessions from the client's address, scored the same way
-- ARGV[1] ms        the idle timeout
-- ARGV[2] max       MaxSessions
-- ARGV[3] max       MaxSessionsPerAddress
-- ARGV[4] address   the client's address
-- Returns 0 created; 1 the gateway is full; 2 the address is full. Expired entries leave both sets first.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[3]) then return 2 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return 1 end
local idle = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'address', ARGV[4], 'connections', '')
redis.call('PEXPIRE', KEYS[1], idle)
redis.call('ZADD', KEYS[2], now + idle, KEYS[1])
redis.call('ZADD', KEYS[3], now + idle, KEYS[1])
redis.call('PEXPIRE', KEYS[3], idle)
return 0

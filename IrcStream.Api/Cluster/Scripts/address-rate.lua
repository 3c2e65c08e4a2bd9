-- Counts one new connection from a client address in its fixed window, across every node (RedisAddressLimits.TryConnectAsync).
-- KEYS[1] counter  the address's count in the current window, expiring with it
-- ARGV[1] limit    connections allowed per window
-- ARGV[2] ms       the window
-- Returns {1 allowed or 0 refused, ms until the window ends}.
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
if n > tonumber(ARGV[1]) then return {0, ttl} end
return {1, ttl}

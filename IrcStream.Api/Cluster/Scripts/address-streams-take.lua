-- Takes a slot for an open stream or waiting poll of a client address, across every node (RedisAddressLimits.TryTakeStreamAsync).
-- KEYS[1] slots   the address's slots, a sorted set: member '<node>:<slot>', score when it expires (ms, Redis's clock)
-- ARGV[1] max     slots one address may hold
-- ARGV[2] member  the new slot
-- ARGV[3] ms      how long a slot lives unless its node renews it (a node that stops renewing loses its slots then)
-- Returns 1 taken; 0 the address holds max already.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1

-- Puts back, after Redis lost its data, what a connection's owner holds in memory (RedisRebuild): its lease with the
-- token it held, its record, and its place in the connection set and the lease-expiry index. All in one script, so no
-- node ever sees the record without the lease (a record without a lease is a connection to take over).
-- KEYS[1] lease       the connection's lease
-- KEYS[2] record      the connection's record
-- KEYS[3] expiries    the lease-expiry index
-- KEYS[4] connections the set of every connection with a record
-- KEYS[5] log         the connection's event stream
-- KEYS[6] generation  the data generation marker
-- ARGV[1] token       the owner's token
-- ARGV[2] ms          the lease's duration
-- ARGV[3] ms          the record's lifetime without a heartbeat
-- ARGV[4] id          the connection id
-- ARGV[5] generation  the generation the owner rebuilds for
-- ARGV[6..] field, value pairs of the whole record
-- Returns {outcome, the stream's newest seq}: outcome 1 something was missing and is back; 0 nothing was missing;
-- -1 another token holds the lease (the connection moved: nothing written); -2 the generation is not ARGV[5] (Redis
-- lost its data again meanwhile: nothing written, the owner rebuilds for the new one). A lease held is never overwritten;
-- the record of a connection whose lease is the owner's is.
if redis.call('GET', KEYS[6]) ~= ARGV[5] then return {-2, 0} end
local top = 0
local newest = redis.call('XREVRANGE', KEYS[5], '+', '-', 'COUNT', 1)
if #newest > 0 then top = tonumber(string.match(newest[1][1], '^(%d+)')) end
local lease = redis.call('GET', KEYS[1])
if lease and lease ~= ARGV[1] then return {-1, top} end
local rebuilt = 0
if not lease then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  rebuilt = 1
end
if redis.call('EXISTS', KEYS[2]) == 0 then rebuilt = 1 end
-- Written whole even where it exists: the owner's memory is the newest word on its connection, and a record from an
-- older copy of Redis may name an earlier owner, lack a newer nick, keys or SASL, or the admin view's fields.
redis.call('HSET', KEYS[2], unpack(ARGV, 6))
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[4], ARGV[4])
-- Due at once: the next takeover round finds the lease held and puts in its real expiry.
redis.call('ZADD', KEYS[3], 'NX', 0, ARGV[4])
return {rebuilt, top}

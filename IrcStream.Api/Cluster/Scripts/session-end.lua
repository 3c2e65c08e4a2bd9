-- Ends a session at once, on an operator's word (RedisAdminConnections.EndSessionAsync): no node serves its cookie after.
-- KEYS[1] session   the session's record
-- KEYS[2] sessions  the live sessions (sorted set)
-- ARGV[1] the per-address sets' key prefix (the address is read from the record)
-- Returns the session's connection ids, space-separated ('' for none), or nil when there is no such session.
local v = redis.call('HMGET', KEYS[1], 'address', 'connections')
if not v[1] then return nil end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
redis.call('ZREM', ARGV[1] .. v[1], KEYS[1])
return v[2] or ''

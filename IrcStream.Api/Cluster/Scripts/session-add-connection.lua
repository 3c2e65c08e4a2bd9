-- Adds a connection id to a session, within its limit (RedisSession.TryAddAsync).
-- KEYS[1] session  the session's record
-- ARGV[1] id       the connection id
-- ARGV[2] max      MaxConnectionsPerSession
-- Returns 0 added (SessionAddOutcome.Added); 1 the session is full; 2 the session has expired.
local c = redis.call('HGET', KEYS[1], 'connections')
if not c then return 2 end
local n = 0
for _ in string.gmatch(c, '%S+') do n = n + 1 end
if n >= tonumber(ARGV[2]) then return 1 end
if c == '' then c = ARGV[1] else c = c .. ' ' .. ARGV[1] end
redis.call('HSET', KEYS[1], 'connections', c)
return 0

-- A read of a connection's events, any node (RedisEventStore.ReadAfterAsync).
-- KEYS[1] log    the connection's stream
-- KEYS[2] end    the connection's end mark
-- ARGV[1] first  the first entry id to read ('<after + 1>-0')
-- ARGV[2] count  how many entries at most
-- Returns {entries (XRANGE's answer), the end mark's seq or false while the log goes on}.
return { redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2]), redis.call('GET', KEYS[2]) }

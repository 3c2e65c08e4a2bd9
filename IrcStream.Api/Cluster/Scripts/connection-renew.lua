-- The owner's heartbeat for one connection (RedisConnectionDirectory.RenewAsync): renews the lease, and, while the
-- session lives, rewrites the record's changing fields (ConnectionRecord.Heartbeat) and its expiry.
-- KEYS[1] lease    the connection's lease
-- KEYS[2] record   the connection's record
-- KEYS[3] session  the record of the session that holds the connection
-- ARGV[1] token    the owner's token
-- ARGV[2] ms       the lease's duration
-- ARGV[3] ms       the record's lifetime without a heartbeat
-- ARGV[4..] field, value pairs to write into the record
-- Returns -1 the lease is not the owner's any more (nothing written); 0 the session has expired (lease renewed,
-- record untouched); 1 renewed.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
redis.call('HSET', KEYS[2], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1

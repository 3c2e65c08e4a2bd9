-- The owner's heartbeat for one connection (RedisConnectionDirectory.RenewAsync): renews the lease, and, while the
-- session lives, rewrites the record's changing fields (ConnectionRecord.Heartbeat) and its expiry.
-- KEYS[1] lease    the connection's lease
-- KEYS[2] record   the connection's record
-- KEYS[3] session  the record of the session that holds the connection
-- KEYS[4] log      the connection's event stream
-- ARGV[1] token    the owner's token
-- ARGV[2] ms       the lease's duration
-- ARGV[3] ms       the record's lifetime without a heartbeat
-- ARGV[4] node     the owner's node id
-- ARGV[5] seq      the newest seq the owner may have appended to the stream (every seq it gave an event: an append
--                  whose answer was lost may have landed)
-- ARGV[6..] field, value pairs to write into the record
-- Returns {outcome, the stream's newest seq, and, renewed, the session's time to live in ms}: outcome -1 the lease is not the owner's any more (nothing written); -3 the
-- record is gone (Redis lost data: the owner rebuilds, RedisGeneration.FoundMissing; nothing written); 0 the
-- session has expired (lease renewed, record untouched); 1 renewed; 2 taken back and renewed. The newest seq lets the
-- owner see that a failed-over Redis lost entries it had appended (then it appends them again); the session's time to
-- live is what the owner would put the session back with if Redis lost its data (RedisRebuild).
-- A lease nobody holds (it expired while Redis was away or slow) is taken back with the same token when the record
-- still names this node as owner and the stream ends at or before ARGV[5]: no other node took the connection over and
-- wrote meanwhile (a taker names itself owner before it appends anything), so the owner's IRC socket and the events it held are still the connection's.
local lease = redis.call('GET', KEYS[1])
local top = 0
local newest = redis.call('XREVRANGE', KEYS[4], '+', '-', 'COUNT', 1)
if #newest > 0 then top = tonumber(string.match(newest[1][1], '^(%d+)')) end
-- The record gone while the lease is this owner's or nobody's: only Redis losing data does that (a record goes with
-- its owner's delete, or after its session, which this script would have found gone), so nothing is written.
if (not lease or lease == ARGV[1]) and redis.call('EXISTS', KEYS[2]) == 0 then return {-3, top} end
local result = 1
if lease == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
else
  if lease or redis.call('HGET', KEYS[2], 'owner') ~= ARGV[4] or top > tonumber(ARGV[5]) then return {-1, top} end
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  result = 2
end
if redis.call('EXISTS', KEYS[3]) == 0 then return {0, top} end
redis.call('HSET', KEYS[2], unpack(ARGV, 6))
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return {result, top, redis.call('PTTL', KEYS[3])}

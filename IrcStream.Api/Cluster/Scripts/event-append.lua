-- The owner's fenced append to a connection's event stream (RedisEventStore.AppendAsync).
-- KEYS[1] log     the connection's stream ({prefix}:{id}:log), entry ids '<seq>-0', fields t (type) and j (JSON)
-- KEYS[2] lease   the connection's lease ({prefix}:{id}:lease)
-- KEYS[3] end     the connection's end mark ({prefix}:{id}:end)
-- ARGV[1] token   the writer's lease token: nothing is written unless the lease holds it
-- ARGV[2] capacity how many seqs the stream keeps (XTRIM MINID newest - capacity + 1)
-- ARGV[3] channel the node channel to PUBLISH '<id> <newest>' on
-- ARGV[4] id      the connection id
-- ARGV[5] end ttl ms; 0 while the log goes on, else the log is complete: set end to the last seq, both keys expire
-- ARGV[6] appended the newest seq this writer appended before: the stream must hold it
-- ARGV[7..] seq, type, json for each event, seqs rising
-- Returns {outcome, newest seq}: 0 appended; -1 another token holds the lease; -2 nobody holds it (it expired while
-- Redis was away: the owner's renewal takes it back where nobody else wrote); -3 the stream ends before ARGV[6] (a
-- failed-over primary lost its newest entries: the writer appends again from the newest seq returned). Nothing is
-- written unless the outcome is 0. A seq at or below the stream's newest is skipped, so a batch retried after a timeout
-- that did reach Redis adds nothing twice.
local lease = redis.call('GET', KEYS[2])
if lease ~= ARGV[1] then
  if lease then return {-1, 0} end
  return {-2, 0}
end
local top = 0
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #newest > 0 then top = tonumber(string.match(newest[1][1], '^(%d+)')) end
if top < tonumber(ARGV[6]) then return {-3, top} end
local last = top
for i = 7, #ARGV, 3 do
  local seq = tonumber(ARGV[i])
  if seq > last then
    redis.call('XADD', KEYS[1], ARGV[i] .. '-0', 't', ARGV[i + 1], 'j', ARGV[i + 2])
    last = seq
  end
end
if last > top then
  redis.call('XTRIM', KEYS[1], 'MINID', math.max(0, last - tonumber(ARGV[2]) + 1) .. '-0')
end
local ttl = tonumber(ARGV[5])
if ttl > 0 then
  redis.call('SET', KEYS[3], last, 'PX', ttl)
  redis.call('PEXPIRE', KEYS[1], ttl)
end
if last > top or ttl > 0 then redis.call('PUBLISH', ARGV[3], ARGV[4] .. ' ' .. last) end
return {0, last}

-- Keeps the user's accepted lines until they are written (PendingLines.AddAsync), fenced by the lease.
-- KEYS[1] lease    the connection's lease
-- KEYS[2] pending  the lines not written yet, a sorted set of '<number> <line>' by number
-- KEYS[3] written  the number of the last line written
-- ARGV[1] token    the owner's token
-- ARGV[2] ms       how long the pending set lives
-- ARGV[3..] number, line for each line
-- Returns 1 kept (lines at or below the written mark are skipped); 0 the lease is not the owner's (nothing kept).
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local written = tonumber(redis.call('GET', KEYS[3]) or '0')
for i = 3, #ARGV, 2 do
  local n = tonumber(ARGV[i])
  if n > written then redis.call('ZADD', KEYS[2], n, ARGV[i] .. ' ' .. ARGV[i + 1]) end
end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1

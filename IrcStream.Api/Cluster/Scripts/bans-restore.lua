-- Puts back the bans a node remembers after Redis lost its data or went back to an older copy (RedisBanStore.RestoreAsync).
-- KEYS[1] bans     the bans ({prefix}:bans), a hash from ban id to its JSON
-- ARGV[1] n        how many bans in force follow
-- ARGV[2..2n+1]    id, JSON of each ban in force as the node last knew the list
-- ARGV[2n+2..]     ids of bans the node saw lifted, which an older copy of Redis may hold again
-- Returns how many bans were missing and are back. A ban there is never overwritten.
local n = tonumber(ARGV[1])
local added = 0
for i = 0, n - 1 do
  added = added + redis.call('HSETNX', KEYS[1], ARGV[2 + 2 * i], ARGV[3 + 2 * i])
end
for i = 2 + 2 * n, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
return added

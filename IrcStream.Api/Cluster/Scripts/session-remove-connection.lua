-- Removes a connection id from a session (RedisSession.RemoveAsync).
-- KEYS[1] session  the session's record
-- ARGV[1] id       the connection id
-- Returns 1 removed; 0 the session did not hold it (or has expired).
local c = redis.call('HGET', KEYS[1], 'connections')
if not c then return 0 end
local kept, found = {}, 0
for id in string.gmatch(c, '%S+') do
  if id == ARGV[1] then found = 1 else kept[#kept + 1] = id end
end
if found == 1 then redis.call('HSET', KEYS[1], 'connections', table.concat(kept, ' ')) end
return found

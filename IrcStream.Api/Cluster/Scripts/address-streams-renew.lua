-- Renews a slot this node still holds (RedisAddressLimits.RenewAsync).
-- KEYS[1] slots   the address's slots (see address-streams-take.lua)
-- ARGV[1] member  the slot
-- ARGV[2] ms      how long it lives from now
-- Returns 1 renewed; 0 it had expired (it is taken again, above the bound if need be: the stream is open).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local added = redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if added == 1 then return 0 end
return 1

-- What Redis holds as the gateway's data generation (RedisGeneration.CheckAsync): a random value written once, with no
-- expiry, when the key is missing, so a Redis that lost its data (restarted without persistence, flushed) answers with
-- another value than the one every node saw before.
-- KEYS[1] generation  the marker ({prefix}:generation)
-- ARGV[1] candidate   the value to write when there is none
-- Returns the marker's value: the one found, or the candidate just written.
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]

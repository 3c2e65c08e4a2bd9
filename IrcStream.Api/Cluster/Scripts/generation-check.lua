-- What Redis holds as the gateway's data generation (RedisGeneration.LostAsync): a random value written once, with no
-- expiry, when the key is missing, so a Redis that lost its data (restarted without persistence, flushed) answers with
-- another value than the one every node saw before; and a count every look moves on by one, which only goes back when
-- Redis went back to an older copy of its data (restarted from an older snapshot, a failover to a replica behind).
-- KEYS[1] generation  the marker ({prefix}:generation)
-- KEYS[2] clock       the count ({prefix}:clock)
-- ARGV[1] candidate   the value to write when there is none
-- Returns {the marker's value (the one found, or the candidate just written), the count after this look}.
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1])
  current = ARGV[1]
end
return {current, redis.call('INCR', KEYS[2])}

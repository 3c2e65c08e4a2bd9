-- Gives the lease to another node at once (ConnectionLeases.HandOverAsync).
-- KEYS[1] lease     the connection's lease
-- KEYS[2] expiries  the lease-expiry index ({prefix}:lease-expiries)
-- ARGV[1] token     the giver's token
-- ARGV[2] handover  the target's handover token ('<target node>:handover:<guid>')
-- ARGV[3] ms        how long the handover token lasts unclaimed
-- ARGV[4] id        the connection id, scored 0 in the index so the target's next round looks at once
-- Returns 1 handed over; 0 the lease was not the giver's (nothing changed).
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[4])
return 1

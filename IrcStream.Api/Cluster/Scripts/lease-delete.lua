-- Deletes a lease at once instead of leaving it to expire: the connection was closed for good, or a takeover failed (ConnectionLeases.DeleteAsync).
-- KEYS[1] lease     the connection's lease
-- KEYS[2] expiries  the lease-expiry index
-- ARGV[1] token     the holder's token
-- ARGV[2] id        the connection id: due at once if still indexed (XX: a connection no longer indexed stays out)
-- Returns 1 deleted; 0 the lease was not the holder's (nothing changed).
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZADD', KEYS[2], 'XX', 0, ARGV[2])
return 1

-- Who owns a connection and where that node is, in one round trip (OwnerForwarding).
-- KEYS[1] lease   the connection's lease
-- ARGV[1] prefix  what a node's announcement key has before the node id ('<prefix>:node:')
-- Returns nil when nobody holds the lease, else {owner node id, its announced URL or false}.
-- The announcement key is built here from the token, so it is not declared: this needs one Redis primary.
local token = redis.call('GET', KEYS[1])
if not token then return nil end
local owner = string.match(token, '^([^:]+)')
return { owner, redis.call('GET', ARGV[1] .. owner) }

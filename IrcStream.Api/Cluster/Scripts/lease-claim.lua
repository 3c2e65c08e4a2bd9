-- Takes a lease nobody holds, or one handed to this node (ConnectionLeases.ClaimAsync). Exactly one claimant wins.
-- KEYS[1] lease   the connection's lease
-- KEYS[2] record  the connection's record ({prefix}:{id}:conn)
-- KEYS[3] end     the connection's end mark
-- ARGV[1] token   the new token ('<node>:<guid>')
-- ARGV[2] ms      the lease's duration
-- ARGV[3] expected the lease's value now: '' for nobody holds it, or the handover token naming this node
-- Returns 1 claimed; 0 held by someone else; -1 nothing to take over (no record, or the log has ended).
if redis.call('EXISTS', KEYS[2]) == 0 or redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local current = redis.call('GET', KEYS[1])
if ARGV[3] == '' then
  if current then return 0 end
elseif current ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1

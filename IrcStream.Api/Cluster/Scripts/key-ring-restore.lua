-- Puts back the Data Protection keys a node remembers after Redis lost them (RememberedKeyRing.RestoreAsync), beside
-- any a node created since, so what one node encrypted before the loss every node can still decrypt.
-- KEYS[1] ring    the key ring ({prefix}:data-protection-keys), a list of XML elements
-- ARGV[1..] the XML elements this node remembers
-- Returns how many were missing and are back.
local have = {}
for _, element in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do have[element] = true end
local added = 0
for i = 1, #ARGV do
  if not have[ARGV[i]] then
    redis.call('RPUSH', KEYS[1], ARGV[i])
    have[ARGV[i]] = true
    added = added + 1
  end
end
return added

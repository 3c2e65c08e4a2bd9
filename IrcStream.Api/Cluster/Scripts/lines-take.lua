-- The lines accepted and never written, taken (PendingLines.TakeAsync): by a takeover or a handover.
-- KEYS[1] pending  the lines not written yet
-- KEYS[2] written  the number of the last line written
-- Returns the members above the mark in order ('<number> <line>'); both keys are deleted (the next owner numbers from 1).
local written = redis.call('GET', KEYS[2]) or '0'
local lines = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. written, '+inf')
redis.call('DEL', KEYS[1], KEYS[2])
return lines

-- Lines up to a number reached the IRC server (PendingLines.Written).
-- KEYS[1] pending  the lines not written yet
-- KEYS[2] written  the number of the last line written
-- ARGV[1] number   the last line written
-- ARGV[2] ms       how long the mark lives
-- Moves the mark up (never down) and drops the lines at or below the number. Returns 1.
if tonumber(ARGV[1]) > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return 1

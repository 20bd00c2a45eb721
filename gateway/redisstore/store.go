package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"gateway/gateway"
)

// Store is the gateway.SessionStore shared by several gateway nodes. Every key
// carries the hash tag {gw}, so a Redis Cluster keeps them in one slot and
// the scripts below stay atomic there too.
//
//	{gw}:s:<tokenHash>  hash: data (the session as JSON), idle, deadline (Unix ms)
//	{gw}:id:<clientID>  string: the token hash
//	{gw}:u:<username>   set of client IDs: the perspective's clients
//	{gw}:exp            sorted set of token hashes by expiry (Unix ms)
//
// A session leaves {gw}:exp exactly once (ZREM returns 1 to one caller),
// and only that caller gets it back to raise detached: exactly once across
// every node, whether a logout, a lookup or the sweeper gets there first.
type Store struct {
	rdb   redis.UniversalClient
	cache *sessionCache // nil unless CacheSessions
}

// NewStore uses rdb.
func NewStore(rdb redis.UniversalClient) *Store { return &Store{rdb: rdb} }

var _ gateway.SharedStore = (*Store)(nil)

// keys outlive their expiry by this much, so a session can still be swept
// (and its detach told) after a sweep was missed; then Redis drops them.
const redisGrace = time.Hour

func ms(t time.Time) int64 { return t.UnixMilli() }

var createScript = redis.NewScript(`
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'idle', ARGV[2], 'deadline', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
redis.call('SET', KEYS[2], ARGV[5], 'PXAT', ARGV[4])
redis.call('SADD', KEYS[3], ARGV[6])
redis.call('ZADD', KEYS[4], math.min(tonumber(ARGV[2]), tonumber(ARGV[3])), ARGV[5])
return 1`)

// Create implements gateway.SessionStore.
func (r *Store) Create(ctx context.Context, s *gateway.Session) error {
	data, err := encodeSession(s)
	if err != nil {
		return err
	}
	keep := ms(s.Deadline.Add(redisGrace))
	return createScript.Run(ctx, r.rdb,
		[]string{"{gw}:s:" + s.TokenHash, "{gw}:id:" + s.Client.ID, "{gw}:u:" + s.Identity.Username, "{gw}:exp"},
		data, ms(s.IdleExpiry), ms(s.Deadline), keep, s.TokenHash, s.Client.ID).Err()
}

// removeLua removes the session whose token hash is ARGV[1] if this call is
// the one that takes it out of {gw}:exp; it returns the session's data.
const removeLua = `
local function remove(h)
  if redis.call('ZREM', '{gw}:exp', h) == 0 then return false end
  local data = redis.call('HGET', '{gw}:s:' .. h, 'data')
  redis.call('DEL', '{gw}:s:' .. h)
  -- every node's session cache drops it (cache.go)
  redis.call('PUBLISH', '` + goneChannel + `', h)
  if data then
    local s = cjson.decode(data)
    -- the stored format's names, or format 0's (Go field names)
    local c, i = s.client or s.Client, s.identity or s.Identity
    local id = c.id or c.ID
    redis.call('DEL', '{gw}:id:' .. id)
    redis.call('SREM', '{gw}:u:' .. (i.username or i.Username), id)
  end
  return data
end
`

var touchScript = redis.NewScript(removeLua + `
local h, now, idle = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('HMGET', '{gw}:s:' .. h, 'data', 'idle', 'deadline')
if not v[1] then return false end
local deadline = tonumber(v[3])
if now >= deadline then return {'expired', remove(h) or ''} end
if now >= tonumber(v[2]) then return {'idle', remove(h) or ''} end
local nextIdle = now + idle
redis.call('HSET', '{gw}:s:' .. h, 'idle', nextIdle)
redis.call('ZADD', '{gw}:exp', math.min(nextIdle, deadline), h)
return {'ok', v[1]}`)

// Touch implements gateway.SessionStore.
func (r *Store) Touch(ctx context.Context, tokenHash string, now time.Time, idle time.Duration) (*gateway.Session, gateway.DetachReason, error) {
	var gen uint64
	if r.cache != nil {
		var s *gateway.Session
		var ok bool
		if s, gen, ok = r.cache.hit(tokenHash, now, idle); ok {
			return s, "", nil
		}
	}
	res, err := touchScript.Run(ctx, r.rdb, []string{"{gw}:exp"}, tokenHash, ms(now), idle.Milliseconds()).Slice()
	if r.cache != nil && (err != nil || res[0] != "ok") {
		r.cache.drop(tokenHash)
	}
	if errors.Is(err, redis.Nil) {
		return nil, "", gateway.ErrNoSession
	}
	if err != nil {
		return nil, "", err
	}
	status, _ := res[0].(string)
	data, _ := res[1].(string)
	if data == "" {
		return nil, "", gateway.ErrNoSession // expired, and another caller took it
	}
	s, err := decodeSession([]byte(data))
	if err != nil {
		return nil, "", err
	}
	switch status {
	case "ok":
		s.LastSeen, s.IdleExpiry = now, now.Add(idle)
		if r.cache != nil {
			r.cache.put(gen, s, now, idle)
		}
		return s, "", nil
	case "expired":
		return s, gateway.ReasonAbsoluteTimeout, nil
	}
	return s, gateway.ReasonIdleTimeout, nil
}

var removeByIDScript = redis.NewScript(removeLua + `
local h = redis.call('GET', '{gw}:id:' .. ARGV[1])
if not h then return false end
return remove(h)`)

// Remove implements gateway.SessionStore.
func (r *Store) Remove(ctx context.Context, clientID string) (*gateway.Session, error) {
	data, err := removeByIDScript.Run(ctx, r.rdb, []string{"{gw}:exp"}, clientID).Text()
	if errors.Is(err, redis.Nil) || err == nil && data == "" {
		return nil, gateway.ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	s, err := decodeSession([]byte(data))
	if err == nil && r.cache != nil {
		r.cache.drop(s.TokenHash) // here at once; other nodes by pub/sub
	}
	return s, err
}

var expireScript = redis.NewScript(removeLua + `
local out = {}
for _, h in ipairs(redis.call('ZRANGEBYSCORE', '{gw}:exp', '-inf', ARGV[1], 'LIMIT', 0, 500)) do
  local data = remove(h)
  if data then table.insert(out, data) end
end
return out`)

// Expire implements gateway.SessionStore: it removes and returns up to 500 expired
// sessions per call (the sweeper runs often).
func (r *Store) Expire(ctx context.Context, now time.Time) ([]*gateway.Session, error) {
	datas, err := expireScript.Run(ctx, r.rdb, []string{"{gw}:exp"}, ms(now)).StringSlice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	gone := decodeSessions(datas)
	if r.cache != nil {
		for _, s := range gone {
			r.cache.drop(s.TokenHash)
		}
	}
	return gone, nil
}

func decodeSessions(datas []string) []*gateway.Session {
	out := make([]*gateway.Session, 0, len(datas))
	for _, d := range datas {
		if s, err := decodeSession([]byte(d)); err == nil {
			out = append(out, s)
		}
	}
	return out
}

var byUserScript = redis.NewScript(`
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local h = redis.call('GET', '{gw}:id:' .. id)
  local data = h and redis.call('HGET', '{gw}:s:' .. h, 'data')
  if data then table.insert(out, data) else redis.call('SREM', KEYS[1], id) end
end
return out`)

// ByUser implements gateway.SessionStore.
func (r *Store) ByUser(ctx context.Context, username string) ([]*gateway.Session, error) {
	datas, err := byUserScript.Run(ctx, r.rdb, []string{"{gw}:u:" + username}).StringSlice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	return decodeSessions(datas), nil
}

var allScript = redis.NewScript(`
local out = {}
for _, h in ipairs(redis.call('ZRANGE', '{gw}:exp', 0, -1)) do
  local data = redis.call('HGET', '{gw}:s:' .. h, 'data')
  if data then table.insert(out, data) end
end
return out`)

// All implements gateway.SessionStore.
func (r *Store) All(ctx context.Context) ([]*gateway.Session, error) {
	datas, err := allScript.Run(ctx, r.rdb, []string{"{gw}:exp"}).StringSlice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	return decodeSessions(datas), nil
}

var leaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`)

// Lease takes or renews the sweeper's lease for holder: one node at a time
// sweeps, and when it dies another takes over after ttl.
func (r *Store) Lease(ctx context.Context, holder string, ttl time.Duration) (bool, error) {
	n, err := leaseScript.Run(ctx, r.rdb, []string{"{gw}:sweeper"}, holder, ttl.Milliseconds()).Int()
	return n == 1, err
}

// Ready pings Redis.
func (r *Store) Ready(ctx context.Context) error { return r.rdb.Ping(ctx).Err() }

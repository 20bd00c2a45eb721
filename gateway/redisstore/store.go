package redisstore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"gateway/gateway"
)

// Store is the gateway.SessionStore shared by several gateway nodes. The
// keys of one user's sessions share the user's shard prefix P ({gw:XX}:,
// keys.go), so a Redis Cluster spreads users over its masters and every
// script below runs on one slot:
//
//	P s:<tokenHash>   hash: data (the session as JSON), idle, deadline (Unix ms)
//	P id:<clientID>   string: the token hash
//	P u:<username>    set of client IDs: the perspective's clients
//	P exp             sorted set of the shard's token hashes by expiry (Unix ms)
//	gw:tok:<tokenHash>, gw:cid:<clientID>   pointers to P (keys.go)
//	{gw}:nodes        sorted set of the nodes that sweep, by lease end
//
// A session leaves its shard's exp set exactly once (ZREM returns 1 to one
// caller), and only that caller gets it back to raise detached: exactly
// once across every node, whether a logout, a lookup or a sweeper gets
// there first. The sweepers of the nodes share the 256 shards out.
//
// Sessions of the previous layout (every key under {gw}, no pointers) are
// the shard with prefix {gw}: : a token or client ID without a pointer is
// looked up there, and the sweeps empty it, so a rolling upgrade loses no
// session.
type Store struct {
	rdb   redis.UniversalClient
	cache *sessionCache // nil unless CacheSessions
	// oneServer: not a Cluster, so a script may follow a pointer to
	// another slot itself (one round trip instead of two).
	oneServer bool
	// legacy: sessions of the previous layout may be left (cleared by a
	// sweep that finds none).
	legacy atomic.Bool

	mu    sync.Mutex
	share []int // the shards this node sweeps (set by Lease); nil: all
}

// NewStore uses rdb.
func NewStore(rdb redis.UniversalClient) *Store {
	_, cluster := rdb.(*redis.ClusterClient)
	r := &Store{rdb: rdb, oneServer: !cluster}
	r.legacy.Store(true)
	return r
}

var _ gateway.SharedStore = (*Store)(nil)

// keys outlive their expiry by this much, so a session can still be swept
// (and its detach told) after a sweep was missed; then Redis drops them.
const redisGrace = time.Hour

func ms(t time.Time) int64 { return t.UnixMilli() }

// createScript: KEYS[1] is P..'exp' (which names the slot); ARGV: P, data,
// idle, deadline, keep, token hash, client ID, username.
var createScript = redis.NewScript(`
local P, h, id = ARGV[1], ARGV[6], ARGV[7]
redis.call('HSET', P .. 's:' .. h, 'data', ARGV[2], 'idle', ARGV[3], 'deadline', ARGV[4])
redis.call('PEXPIREAT', P .. 's:' .. h, ARGV[5])
redis.call('SET', P .. 'id:' .. id, h, 'PXAT', ARGV[5])
redis.call('SADD', P .. 'u:' .. ARGV[8], id)
redis.call('ZADD', KEYS[1], math.min(tonumber(ARGV[3]), tonumber(ARGV[4])), h)
return 1`)

// Create implements gateway.SessionStore. The pointers are written first,
// so a session is never in Redis without the way to it.
func (r *Store) Create(ctx context.Context, s *gateway.Session) error {
	data, err := encodeSession(s)
	if err != nil {
		return err
	}
	p := KeyPrefix(s.Identity.Username)
	keep := s.Deadline.Add(redisGrace)
	pipe := r.rdb.Pipeline()
	pipe.SetArgs(ctx, tokenPointer(s.TokenHash), p, redis.SetArgs{ExpireAt: keep})
	pipe.SetArgs(ctx, clientPointer(s.Client.ID), p, redis.SetArgs{ExpireAt: keep})
	if _, err := pipe.Exec(ctx); err != nil {
		return err
	}
	return createScript.Run(ctx, r.rdb, []string{p + "exp"},
		p, data, ms(s.IdleExpiry), ms(s.Deadline), ms(keep), s.TokenHash, s.Client.ID, s.Identity.Username).Err()
}

// removeLua removes the session whose token hash is h from shard P if this
// call is the one that takes it out of P's exp set; it returns the
// session's data. Every node's session cache hears of it (cache.go).
const removeLua = `
local function remove(P, h)
  if redis.call('ZREM', P .. 'exp', h) == 0 then return false end
  local data = redis.call('HGET', P .. 's:' .. h, 'data')
  redis.call('DEL', P .. 's:' .. h)
  redis.call('PUBLISH', '` + goneChannel + `', h)
  if data then
    local s = cjson.decode(data)
    -- the stored format's names, or format 0's (Go field names)
    local c, i = s.client or s.Client, s.identity or s.Identity
    local id = c.id or c.ID
    redis.call('DEL', P .. 'id:' .. id)
    redis.call('SREM', P .. 'u:' .. (i.username or i.Username), id)
  end
  return data
end
`

// touchBody checks and extends the session h of shard P (ARGV: h, now,
// idle).
const touchBody = `
local h, now, idle = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('HMGET', P .. 's:' .. h, 'data', 'idle', 'deadline')
if not v[1] then return false end
local deadline = tonumber(v[3])
if now >= deadline then return {'expired', remove(P, h) or ''} end
if now >= tonumber(v[2]) then return {'idle', remove(P, h) or ''} end
local nextIdle = now + idle
redis.call('HSET', P .. 's:' .. h, 'idle', nextIdle)
redis.call('ZADD', P .. 'exp', math.min(nextIdle, deadline), h)
return {'ok', v[1]}`

// touchScript: KEYS[1] is P..'exp', ARGV[4] is P.
var touchScript = redis.NewScript(removeLua + "local P = ARGV[4]\n" + touchBody)

// touchByPointerScript follows the pointer itself (KEYS[1]); one server
// only, where a script may reach any key.
var touchByPointerScript = redis.NewScript(removeLua + "local P = redis.call('GET', KEYS[1]) or '" + legacyPrefix + "'\n" + touchBody)

// shardOfPointer is the shard prefix a pointer names, or the previous
// layout's when there is none.
func (r *Store) shardOfPointer(ctx context.Context, pointer string) (string, error) {
	p, err := r.rdb.Get(ctx, pointer).Result()
	if errors.Is(err, redis.Nil) {
		return legacyPrefix, nil
	}
	return p, err
}

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
	var res []any
	var err error
	if r.oneServer {
		res, err = touchByPointerScript.Run(ctx, r.rdb, []string{tokenPointer(tokenHash)}, tokenHash, ms(now), idle.Milliseconds()).Slice()
	} else {
		var p string
		if p, err = r.shardOfPointer(ctx, tokenPointer(tokenHash)); err == nil {
			res, err = touchScript.Run(ctx, r.rdb, []string{p + "exp"}, tokenHash, ms(now), idle.Milliseconds(), p).Slice()
		}
	}
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
		r.dropPointers(ctx, s)
		return s, gateway.ReasonAbsoluteTimeout, nil
	}
	r.dropPointers(ctx, s)
	return s, gateway.ReasonIdleTimeout, nil
}

// dropPointers deletes the pointers of removed sessions. They are in other
// slots than the session, so not in the script that removed it; one left
// behind (a node that died in between) leads to no session and expires
// with the session's keys.
func (r *Store) dropPointers(ctx context.Context, gone ...*gateway.Session) {
	if len(gone) == 0 {
		return
	}
	pipe := r.rdb.Pipeline()
	for _, s := range gone {
		pipe.Del(ctx, tokenPointer(s.TokenHash))
		pipe.Del(ctx, clientPointer(s.Client.ID))
	}
	_, _ = pipe.Exec(ctx)
}

var removeByIDScript = redis.NewScript(removeLua + `
local P = ARGV[2]
local h = redis.call('GET', P .. 'id:' .. ARGV[1])
if not h then return false end
return remove(P, h)`)

// Remove implements gateway.SessionStore.
func (r *Store) Remove(ctx context.Context, clientID string) (*gateway.Session, error) {
	p, err := r.shardOfPointer(ctx, clientPointer(clientID))
	if err != nil {
		return nil, err
	}
	data, err := removeByIDScript.Run(ctx, r.rdb, []string{p + "exp"}, clientID, p).Text()
	if errors.Is(err, redis.Nil) || err == nil && data == "" {
		return nil, gateway.ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	s, err := decodeSession([]byte(data))
	if err == nil {
		if r.cache != nil {
			r.cache.drop(s.TokenHash) // here at once; other nodes by pub/sub
		}
		r.dropPointers(ctx, s)
	}
	return s, err
}

var expireScript = redis.NewScript(removeLua + `
local P, out = ARGV[2], {}
for _, h in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)) do
  local data = remove(P, h)
  if data then table.insert(out, data) end
end
return out`)

// Expire implements gateway.SessionStore: it removes and returns up to 500
// expired sessions of each shard of this node's share (all shards before
// its first Lease), in one pipeline per master.
func (r *Store) Expire(ctx context.Context, now time.Time) ([]*gateway.Session, error) {
	r.mu.Lock()
	share := r.share
	r.mu.Unlock()
	if share == nil {
		share = make([]int, shardCount)
		for i := range share {
			share[i] = i
		}
	}
	prefixes := make([]string, 0, len(share)+1)
	for _, i := range share {
		prefixes = append(prefixes, shardPrefixes[i])
	}
	// The previous layout's keys are swept by the node in place 0 (or by
	// one that sweeps everything).
	sweepLegacy := r.legacy.Load() && len(share) > 0 && share[0] == 0
	if sweepLegacy {
		prefixes = append(prefixes, legacyPrefix)
	}
	results, err := r.evalEach(ctx, expireScript, prefixes, func(p string) ([]string, []any) {
		return []string{p + "exp"}, []any{ms(now), p}
	})
	if err != nil {
		return nil, err
	}
	var gone []*gateway.Session
	for _, res := range results {
		datas, _ := res.StringSlice()
		gone = append(gone, decodeSessions(datas)...)
	}
	if sweepLegacy {
		if n, err := r.rdb.ZCard(ctx, legacyPrefix+"exp").Result(); err == nil && n == 0 {
			r.legacy.Store(false)
		}
	}
	if r.cache != nil {
		for _, s := range gone {
			r.cache.drop(s.TokenHash)
		}
	}
	r.dropPointers(ctx, gone...)
	return gone, nil
}

// evalEach runs script once per shard prefix in one pipeline (go-redis
// splits it per master in a Cluster), loading the script where a master
// does not know it yet.
func (r *Store) evalEach(ctx context.Context, script *redis.Script, prefixes []string, args func(p string) ([]string, []any)) ([]*redis.Cmd, error) {
	for attempt := 0; ; attempt++ {
		pipe := r.rdb.Pipeline()
		cmds := make([]*redis.Cmd, len(prefixes))
		for i, p := range prefixes {
			keys, argv := args(p)
			cmds[i] = script.EvalSha(ctx, pipe, keys, argv...)
		}
		_, err := pipe.Exec(ctx)
		if err != nil && !errors.Is(err, redis.Nil) {
			if attempt == 0 && strings.HasPrefix(err.Error(), "NOSCRIPT") {
				if err := script.Load(ctx, r.rdb).Err(); err != nil {
					return nil, err
				}
				continue
			}
			return nil, err
		}
		return cmds, nil
	}
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
local P, out = ARGV[1], {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local h = redis.call('GET', P .. 'id:' .. id)
  local data = h and redis.call('HGET', P .. 's:' .. h, 'data')
  if data then table.insert(out, data) else redis.call('SREM', KEYS[1], id) end
end
return out`)

// userPrefixes are the key prefixes a user's sessions may be under: the
// user's shard, and the previous layout's while it is still read.
func (r *Store) userPrefixes(username string) []string {
	if r.legacy.Load() {
		return []string{KeyPrefix(username), legacyPrefix}
	}
	return []string{KeyPrefix(username)}
}

// ByUser implements gateway.SessionStore.
func (r *Store) ByUser(ctx context.Context, username string) ([]*gateway.Session, error) {
	var out []*gateway.Session
	for _, p := range r.userPrefixes(username) {
		datas, err := byUserScript.Run(ctx, r.rdb, []string{p + "u:" + username}, p).StringSlice()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, err
		}
		out = append(out, decodeSessions(datas)...)
	}
	return out, nil
}

// OldestBeyond implements the core's eviction at max_per_user: the usual
// login, a user under the cap, costs one SCARD of the user's set (two
// while the previous layout is still read) instead of reading all of the
// user's sessions; past the cap they are read and the oldest named. (The
// set may still hold a session that expired unswept: the count is then
// high, and the sessions read decide.)
func (r *Store) OldestBeyond(ctx context.Context, username string, keep int) ([]string, error) {
	var n int64
	for _, p := range r.userPrefixes(username) {
		c, err := r.rdb.SCard(ctx, p+"u:"+username).Result()
		if err != nil {
			return nil, err
		}
		n += c
	}
	if n <= int64(keep) {
		return nil, nil
	}
	all, err := r.ByUser(ctx, username)
	if err != nil {
		return nil, err
	}
	return gateway.OldestIDs(all, keep), nil
}

var allScript = redis.NewScript(`
local P, out = ARGV[1], {}
for _, h in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local data = redis.call('HGET', P .. 's:' .. h, 'data')
  if data then table.insert(out, data) end
end
return out`)

// All implements gateway.SessionStore: every shard, in one pipeline per
// master.
func (r *Store) All(ctx context.Context) ([]*gateway.Session, error) {
	prefixes := append(shardPrefixes[:], legacyPrefix)
	results, err := r.evalEach(ctx, allScript, prefixes, func(p string) ([]string, []any) { return []string{p + "exp"}, []any{p} })
	if err != nil {
		return nil, err
	}
	var out []*gateway.Session
	for _, res := range results {
		datas, _ := res.StringSlice()
		out = append(out, decodeSessions(datas)...)
	}
	return out, nil
}

var leaseScript = redis.NewScript(`
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
return redis.call('ZRANGE', KEYS[1], 0, -1)`)

// Lease implements gateway.SharedStore. Every node sweeps: each holds a
// lease on its place among the nodes in {gw}:nodes for ttl, and sweeps the
// shards whose number, modulo the number of nodes, is its place. A node
// that dies leaves the list when its lease ends, and the others share its
// shards from their next sweep; while the list changes two nodes may sweep
// one shard, which removes each session once all the same.
func (r *Store) Lease(ctx context.Context, holder string, ttl time.Duration) (bool, error) {
	now := time.Now()
	nodes, err := leaseScript.Run(ctx, r.rdb, []string{"{gw}:nodes"}, holder, ms(now.Add(ttl)), ms(now)).StringSlice()
	if err != nil {
		return false, err
	}
	slices.Sort(nodes) // by name: every node sees the same order
	place := slices.Index(nodes, holder)
	if place < 0 {
		return false, nil
	}
	share := []int{} // not nil: a place past the 256th sweeps nothing, not all
	for i := place; i < shardCount; i += len(nodes) {
		share = append(share, i)
	}
	r.mu.Lock()
	r.share = share
	r.mu.Unlock()
	return true, nil
}

// Ready pings Redis.
func (r *Store) Ready(ctx context.Context) error { return r.rdb.Ping(ctx).Err() }

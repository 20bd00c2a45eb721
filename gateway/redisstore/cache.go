package redisstore

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"gateway/gateway"
)

// The local session cache spares a call its round trip to Redis: a node
// that has just touched a session in Redis answers the next calls of that
// session from memory, for at most TouchInterval, and then touches Redis
// again. The idle-expiry touches of a busy session are so coalesced to one
// per TouchInterval per node.
//
// It stays coherent by pub/sub: every script that removes a session (a
// logout, an expiry found by a lookup or by the sweeper, on any node)
// publishes its token hash on goneChannel before it answers, and every
// node drops the session from its cache on hearing it. While the
// subscription is not confirmed (at start, and from a lost connection to
// its resubscription) the cache answers nothing and is emptied when the
// subscription is back, since removals may have gone unheard.
//
// What a node may answer from the cache is only what Redis answered it
// within TouchInterval: a session is never served past the idle expiry
// Redis holds, nor past its deadline. The cost is precision of the idle
// timeout: it runs from the last touch that reached Redis, so a session
// idle-expires up to TouchInterval before it would in memory mode. The
// exactly-once detach is untouched: removal is always Redis's. A session
// removed on another node can be served here for as long as the
// invalidation takes to arrive (the time of one pub/sub message).
const (
	goneChannel = "{gw}:sessions:gone"
	// TouchInterval is how long a node answers a session from its cache
	// after its last touch in Redis.
	TouchInterval = time.Second
	// cacheMax bounds the entries of one node's cache; past it, an entry
	// is dropped at random (it is read from Redis on its next call).
	cacheMax = 200_000
)

type sessionCache struct {
	mu      sync.Mutex
	live    bool   // the invalidations are being heard
	gen     uint64 // bumped by every invalidation and reset
	entries map[string]*cacheEntry
}

type cacheEntry struct {
	s          gateway.Session
	touchedAt  time.Time // the now of the last touch that reached Redis
	idleExpiry time.Time // the idle expiry that touch set in Redis
}

// CacheSessions turns the local session cache on, listening for
// invalidations until ctx ends.
func (r *Store) CacheSessions(ctx context.Context, log *slog.Logger) {
	r.cache = &sessionCache{entries: map[string]*cacheEntry{}}
	go r.cache.listen(ctx, r.rdb, log)
}

// listen follows goneChannel.
func (c *sessionCache) listen(ctx context.Context, rdb redis.UniversalClient, log *slog.Logger) {
	FollowInvalidations(ctx, rdb, goneChannel, func(live bool, err error) {
		if c.setLive(live) && err != nil {
			log.Warn("session cache: invalidations lost, answering from Redis until resubscribed", "err", err)
		}
	}, c.drop)
}

// FollowInvalidations follows a pub/sub channel of invalidations until ctx
// ends, for a cache kept coherent by it: live(true, nil) once the
// subscription is confirmed (and again at each resubscription), live(false,
// err) when the connection is lost and live(false, nil) at the end
// (invalidations may go unheard from then until live is
// true again: a cache answers nothing meanwhile, and starts empty), and
// drop for each message's payload. Receive (not Channel) is used because
// it reports both a lost connection (an error) and each resubscription (a
// *redis.Subscription).
func FollowInvalidations(ctx context.Context, rdb redis.UniversalClient, channel string, live func(up bool, err error), drop func(payload string)) {
	sub := rdb.Subscribe(ctx, channel)
	defer sub.Close()
	for ctx.Err() == nil {
		msg, err := sub.ReceiveTimeout(ctx, 30*time.Second)
		if err != nil {
			if isTimeout(err) {
				// Quiet channel: check the connection with a ping, whose
				// answer (or failure) comes back through Receive.
				_ = sub.Ping(ctx)
				continue
			}
			live(false, err)
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
			continue
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				live(true, nil)
			}
		case *redis.Message:
			drop(m.Payload)
		}
	}
	live(false, nil)
}

func isTimeout(err error) bool {
	t, ok := err.(interface{ Timeout() bool })
	return ok && t.Timeout()
}

// setLive changes the cache's liveness, emptying it either way; it says
// whether the liveness changed.
func (c *sessionCache) setLive(live bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	changed := c.live != live
	c.live = live
	c.gen++
	clear(c.entries)
	return changed
}

// hit answers a touch from the cache if Redis's own answer is known to be
// the same: touched within TouchInterval, before the idle expiry that
// touch set and before the deadline.
func (c *sessionCache) hit(tokenHash string, now time.Time, idle time.Duration) (*gateway.Session, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[tokenHash]
	if !c.live || e == nil || now.Sub(e.touchedAt) >= TouchInterval || now.Before(e.touchedAt) ||
		!now.Before(e.idleExpiry) || !now.Before(e.s.Deadline) {
		return nil, c.gen, false
	}
	s := e.s
	s.LastSeen, s.IdleExpiry = now, now.Add(idle)
	return &s, c.gen, true
}

// put keeps what Redis answered a touch, unless an invalidation or a
// reset came in since gen was read: the session may be gone by then.
func (c *sessionCache) put(gen uint64, s *gateway.Session, now time.Time, idle time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live || c.gen != gen {
		return
	}
	if _, ok := c.entries[s.TokenHash]; !ok && len(c.entries) >= cacheMax {
		for k := range c.entries {
			delete(c.entries, k)
			break
		}
	}
	c.entries[s.TokenHash] = &cacheEntry{s: *s, touchedAt: now, idleExpiry: now.Add(idle)}
}

func (c *sessionCache) drop(tokenHash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.entries, tokenHash)
}

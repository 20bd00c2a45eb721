package gateway

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Login throttling: failed logins are counted per username (in its
// canonical form, so that look-alike spellings share one count) and per
// remote address over a fixed window; past the limit further attempts are
// refused with TooManyRequests before the directory is asked. Unknown and
// known usernames are counted alike, so the throttle tells nothing of
// which exist.
const (
	ThrottleWindow  = 5 * time.Minute
	MaxFailsPerUser = 10
	MaxFailsPerAddr = 50
	// DefaultThrottleKeys bounds the counts a node keeps in memory, per
	// kind (usernames, addresses).
	DefaultThrottleKeys = 100_000
)

// Throttle counts failed logins. A nil error with blocked false lets the
// attempt go on; a store that cannot answer lets it go on too (the
// directory still checks the password) and says why in the error.
type Throttle interface {
	Blocked(ctx context.Context, user, addr string) (bool, error)
	Failed(ctx context.Context, user, addr string) error
	Succeeded(ctx context.Context, user string) error
}

// MemoryThrottle is the single-node Throttle. Its memory is bounded: past
// its capacity it forgets the least recently counted key that is not
// blocked; a blocked key is forgotten only when its window is over, or
// when every key held is blocked (then the one blocked longest ago), so a
// flood of failures for new names cannot wash a blocked user's count out.
type MemoryThrottle struct {
	mu    sync.Mutex
	now   func() time.Time
	users *counts
	addrs *counts
}

var _ Throttle = (*MemoryThrottle)(nil)

// NewMemoryThrottle keeps up to capacity keys per kind
// (DefaultThrottleKeys when <= 0); now is time.Now when nil.
func NewMemoryThrottle(capacity int, now func() time.Time) *MemoryThrottle {
	if capacity <= 0 {
		capacity = DefaultThrottleKeys
	}
	if now == nil {
		now = time.Now
	}
	return &MemoryThrottle{now: now, users: newCounts(capacity, MaxFailsPerUser), addrs: newCounts(capacity, MaxFailsPerAddr)}
}

// counts is one kind's failure counts: two lists, the open counts by last
// use and the blocked ones by the time they were blocked, so eviction
// takes O(1) whatever the mix.
type counts struct {
	capacity, limit int
	byKey           map[string]*list.Element
	open, blocked   list.List // of *failures; front: most recent
}

type failures struct {
	key   string
	since time.Time // start of the window
	n     int
}

func newCounts(capacity, limit int) *counts {
	return &counts{capacity: capacity, limit: limit, byKey: make(map[string]*list.Element)}
}

func (c *counts) over(key string, now time.Time) bool {
	e := c.byKey[key]
	if e == nil {
		return false
	}
	f := e.Value.(*failures)
	return now.Sub(f.since) < ThrottleWindow && f.n >= c.limit
}

func (c *counts) fail(key string, now time.Time) {
	e := c.byKey[key]
	if e == nil {
		if len(c.byKey) >= c.capacity {
			c.evict(now)
		}
		e = c.open.PushFront(&failures{key: key, since: now})
		c.byKey[key] = e
	}
	f := e.Value.(*failures)
	if now.Sub(f.since) >= ThrottleWindow { // a new window
		c.remove(e)
		f.since, f.n = now, 0
		e = c.open.PushFront(f)
		c.byKey[key] = e
	}
	f.n++
	if f.n == c.limit {
		c.open.Remove(e)
		c.byKey[key] = c.blocked.PushFront(f)
	} else if f.n < c.limit {
		c.open.MoveToFront(e)
	}
}

// evict forgets one key: a blocked one whose window is over, else the
// least recent open one, else the oldest blocked one.
func (c *counts) evict(now time.Time) {
	if e := c.blocked.Back(); e != nil && now.Sub(e.Value.(*failures).since) >= ThrottleWindow {
		c.remove(e)
		return
	}
	if e := c.open.Back(); e != nil {
		c.remove(e)
		return
	}
	if e := c.blocked.Back(); e != nil {
		c.remove(e)
	}
}

func (c *counts) remove(e *list.Element) {
	f := e.Value.(*failures)
	if f.n >= c.limit {
		c.blocked.Remove(e)
	} else {
		c.open.Remove(e)
	}
	delete(c.byKey, f.key)
}

func (c *counts) forget(key string) {
	if e := c.byKey[key]; e != nil {
		c.remove(e)
	}
}

func (c *counts) len() int { return len(c.byKey) }

// Blocked implements Throttle.
func (t *MemoryThrottle) Blocked(_ context.Context, user, addr string) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	return t.users.over(CanonicalUsername(user), now) || t.addrs.over(addr, now), nil
}

// Failed implements Throttle.
func (t *MemoryThrottle) Failed(_ context.Context, user, addr string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.users.fail(CanonicalUsername(user), now)
	t.addrs.fail(addr, now)
	return nil
}

// Succeeded implements Throttle: the user's failures are forgotten.
func (t *MemoryThrottle) Succeeded(_ context.Context, user string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.users.forget(CanonicalUsername(user))
	return nil
}

// Len is how many usernames and addresses are counted now.
func (t *MemoryThrottle) Len() (users, addrs int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.users.len(), t.addrs.len()
}

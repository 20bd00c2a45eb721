package ldapauth

import (
	"sync"
	"time"
)

// ttlCache keeps what a login learnt from the directory for a short while,
// so that a returning user's login costs the directory less. It serves two
// things: a user's groups from the group search (by user DN, for
// group_cache_ttl), and a user's entry from the user search (by the name
// typed, for entry_cache_ttl). The password is checked by a bind on every
// login; only what the entry and the groups say may lag, by at most the TTL
// (as SSSD's, nscd's and Apache mod_ldap's caches do). It is bounded: when
// full, it is emptied and refills with the users who log in.
type ttlCache[V any] struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu      sync.Mutex
	entries map[string]cached[V]
}

type cached[V any] struct {
	value V
	until time.Time
}

func newTTLCache[V any](ttl time.Duration, max int, now func() time.Time) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, max: max, now: now, entries: make(map[string]cached[V])}
}

// get returns key's value if it was put less than the TTL ago.
func (c *ttlCache[V]) get(key string) (V, bool) {
	var zero V
	if c.ttl <= 0 {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !c.now().Before(e.until) {
		return zero, false
	}
	return e.value, true
}

func (c *ttlCache[V]) put(key string, value V) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[key] = cached[V]{value: value, until: c.now().Add(c.ttl)}
}

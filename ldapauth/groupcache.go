package ldapauth

import (
	"sync"
	"time"
)

// groupCache keeps each user's groups for a short while, so that a login
// costs the directory two requests (find the entry, bind as it), as a bare
// search-then-bind does, and not a third (the group search) every time.
// The password is checked by the bind on every login; only group
// membership may lag, by at most the TTL (as SSSD's and nscd's caches
// do). It is bounded: when full, it is emptied and refills with the users
// who log in.
type groupCache struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu      sync.Mutex
	entries map[string]cachedGroups // by user DN
}

type cachedGroups struct {
	groups []string
	until  time.Time
}

func newGroupCache(ttl time.Duration, max int, now func() time.Time) *groupCache {
	return &groupCache{ttl: ttl, max: max, now: now, entries: make(map[string]cachedGroups)}
}

// get returns dn's groups if they were found less than the TTL ago.
func (c *groupCache) get(dn string) ([]string, bool) {
	if c.ttl <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[dn]
	if !ok || !c.now().Before(e.until) {
		return nil, false
	}
	return e.groups, true
}

func (c *groupCache) put(dn string, groups []string) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[dn] = cachedGroups{groups: groups, until: c.now().Add(c.ttl)}
}

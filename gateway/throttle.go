package gateway

import (
	"strings"
	"sync"
	"time"
)

// Login throttling: failed logins are counted per username and per remote
// address over a window; past the limit further attempts are refused with
// TooManyRequests before the directory is asked. Unknown and known
// usernames are counted alike, so the throttle tells nothing of which
// exist. The counts are per node.
const (
	ThrottleWindow  = 5 * time.Minute
	MaxFailsPerUser = 10
	MaxFailsPerAddr = 50
	maxTracked      = 100_000 // keys kept at most, per kind, before old ones are dropped
)

type throttle struct {
	mu    sync.Mutex
	now   func() time.Time
	users map[string]*failures
	addrs map[string]*failures
}

type failures struct {
	since time.Time // start of the window
	n     int
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, users: map[string]*failures{}, addrs: map[string]*failures{}}
}

func throttleKey(user string) string { return strings.ToLower(strings.TrimSpace(user)) }

// blocked reports whether an attempt for user from addr must be refused.
func (t *throttle) blocked(user, addr string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	return over(t.users[throttleKey(user)], MaxFailsPerUser, now) || over(t.addrs[addr], MaxFailsPerAddr, now)
}

func over(f *failures, limit int, now time.Time) bool {
	return f != nil && now.Sub(f.since) < ThrottleWindow && f.n >= limit
}

// failed counts a refused login.
func (t *throttle) failed(user, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	count(t.users, throttleKey(user), now)
	count(t.addrs, addr, now)
}

func count(m map[string]*failures, key string, now time.Time) {
	f := m[key]
	if f == nil || now.Sub(f.since) >= ThrottleWindow {
		if len(m) >= maxTracked {
			prune(m, now)
		}
		f = &failures{since: now}
		m[key] = f
	}
	f.n++
}

// prune drops the counts whose window is over, or all of them if none is:
// memory stays bounded whatever an attacker sends.
func prune(m map[string]*failures, now time.Time) {
	for k, f := range m {
		if now.Sub(f.since) >= ThrottleWindow {
			delete(m, k)
		}
	}
	if len(m) >= maxTracked {
		clear(m)
	}
}

// succeeded forgets the user's failures.
func (t *throttle) succeeded(user string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.users, throttleKey(user))
}

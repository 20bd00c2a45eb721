package upstream

import (
	"sync"
	"time"
)

// Breaker states, as /readyz and the metrics report them.
const (
	StateClosed   = "closed"
	StateOpen     = "open"
	StateHalfOpen = "half-open"
)

// breaker fails calls fast while an upstream is down: after threshold
// consecutive failures it opens for cooldown; then it lets one trial call
// through, which closes it on success or opens it again on failure.
type breaker struct {
	mu        sync.Mutex
	threshold int
	cooldown  time.Duration
	now       func() time.Time
	failures  int
	openUntil time.Time
	trial     bool // a trial call is in flight
}

// allow reports whether a call may go out, and whether it is the trial.
func (b *breaker) allow() (ok, trial bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures < b.threshold {
		return true, false
	}
	if b.now().Before(b.openUntil) || b.trial {
		return false, false
	}
	b.trial = true
	return true, true
}

// record notes the outcome of a call allow let through.
func (b *breaker) record(success, trial bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if trial {
		b.trial = false
	}
	if success {
		b.failures = 0
		return
	}
	b.failures++
	if b.failures >= b.threshold {
		b.openUntil = b.now().Add(b.cooldown)
	}
}

func (b *breaker) state() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.failures < b.threshold:
		return StateClosed
	case b.now().Before(b.openUntil):
		return StateOpen
	}
	return StateHalfOpen
}

package gateway

import (
	"context"
	"sync"
	"time"
)

// DefaultFeedSize bounds each perspective's feed: a long-poll that falls
// further behind than this loses the oldest events, never memory.
const DefaultFeedSize = 256

// MemoryEventLog is the single-node EventLog.
type MemoryEventLog struct {
	size int
	// mu is read-locked by long-polls: a thousand woken by one event read
	// the feed side by side instead of queueing for a mutex.
	mu    sync.RWMutex
	feeds map[string]*feed
}

type feed struct {
	ring    []Event // ring[i%size] holds the event with Seq i+1
	last    uint64  // Seq of the newest event
	changed chan struct{}
}

// NewMemoryEventLog keeps up to size events per perspective (DefaultFeedSize if size <= 0).
func NewMemoryEventLog(size int) *MemoryEventLog {
	if size <= 0 {
		size = DefaultFeedSize
	}
	return &MemoryEventLog{size: size, feeds: make(map[string]*feed)}
}

// feedLocked returns user's feed, creating it; l.mu must be held.
func (l *MemoryEventLog) feedLocked(user string) *feed {
	f := l.feeds[user]
	if f == nil {
		f = &feed{ring: make([]Event, l.size), changed: make(chan struct{})}
		l.feeds[user] = f
	}
	return f
}

// Append implements EventLog.
func (l *MemoryEventLog) Append(_ context.Context, user string, ev Event) (Event, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.feedLocked(user)
	f.last++
	ev.Seq = f.last
	f.ring[(ev.Seq-1)%uint64(l.size)] = ev
	close(f.changed) // wake every waiting long-poll
	f.changed = make(chan struct{})
	return ev, nil
}

// Since implements EventLog.
func (l *MemoryEventLog) Since(ctx context.Context, user string, since uint64, wait time.Duration) ([]Event, uint64, error) {
	var timer *time.Timer
	for {
		l.mu.RLock()
		f := l.feeds[user]
		if f == nil {
			l.mu.RUnlock()
			l.mu.Lock()
			l.feedLocked(user)
			l.mu.Unlock()
			continue
		}
		if since > f.last {
			since = f.last // a client from before a restart: start from now
		}
		if f.last > since {
			first := since + 1
			if oldest := f.last - uint64(l.size) + 1; f.last >= uint64(l.size) && first < oldest {
				first = oldest
			}
			out := make([]Event, 0, f.last-first+1)
			for seq := first; seq <= f.last; seq++ {
				out = append(out, f.ring[(seq-1)%uint64(l.size)])
			}
			last := f.last
			l.mu.RUnlock()
			return out, last, nil
		}
		changed, last := f.changed, f.last
		l.mu.RUnlock()
		if wait <= 0 {
			return nil, last, nil
		}
		if timer == nil {
			timer = time.NewTimer(wait)
			defer timer.Stop()
		}
		select {
		case <-changed:
		case <-timer.C:
			return nil, last, nil
		case <-ctx.Done():
			return nil, last, nil
		}
	}
}

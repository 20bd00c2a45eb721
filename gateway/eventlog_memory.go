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
	// ring[(seq-1)%size] holds the event with Seq seq. It grows with the
	// feed, up to size: most perspectives see a few events before their
	// last client leaves, and a preallocated ring cost every user who ever
	// logged in tens of KB.
	ring    []Event
	last    uint64 // Seq of the newest event
	changed chan struct{}
}

var _ EventLog = (*MemoryEventLog)(nil)

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
		f = &feed{changed: make(chan struct{})}
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
	if len(f.ring) < l.size {
		f.ring = append(f.ring, ev) // a feed starts at Seq 1, so this is index Seq-1
	} else {
		f.ring[(ev.Seq-1)%uint64(l.size)] = ev
	}
	close(f.changed) // wake every waiting long-poll
	f.changed = make(chan struct{})
	return ev, nil
}

// Release implements FeedReleaser: user's feed is dropped if last is
// still its newest event. A long-poll woken by that event still reads it
// from the feed it holds.
func (l *MemoryEventLog) Release(user string, last uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.feeds[user]; f != nil && f.last == last {
		delete(l.feeds, user)
	}
}

// Feeds is how many feeds are held.
func (l *MemoryEventLog) Feeds() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.feeds)
}

// Since implements EventLog.
func (l *MemoryEventLog) Since(ctx context.Context, user string, since uint64, wait time.Duration) ([]Event, uint64, error) {
	var timer *time.Timer
	l.mu.RLock()
	f := l.feeds[user]
	l.mu.RUnlock()
	if f == nil {
		l.mu.Lock()
		f = l.feedLocked(user)
		l.mu.Unlock()
	}
	// The poll keeps to the feed it found: if the feed is released while
	// it waits, it still reads the event that ended it, and then nothing
	// (it never makes a new feed for a user who has gone).
	for {
		l.mu.RLock()
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

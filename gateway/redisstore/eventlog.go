package redisstore

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"gateway/gateway"
)

// EventLog keeps each perspective's feed in a Redis stream whose entry
// IDs are the sequence numbers (P e:<user> in the user's shard, keys.go; at most gateway.DefaultFeedSize
// entries), and tells every node of each append on one pub/sub channel.
// Long-polls wait on the node, not on Redis: each node holds a single
// subscription, however many clients are waiting.
type EventLog struct {
	rdb     redis.UniversalClient
	log     *slog.Logger
	mu      sync.Mutex
	waiters map[string]*waiters // user -> the long-polls waiting on this node

	// FeedTTL is how long a feed's keys outlive its newest event
	// (DefaultFeedTTL when 0): a user's feed leaves Redis once nobody can
	// be reading it. Set it above the session's absolute timeout.
	FeedTTL time.Duration
}

// DefaultFeedTTL outlives the default absolute timeout (12 h).
const DefaultFeedTTL = 13 * time.Hour

// waiters are the long-polls of one user on this node: ch is closed on
// the user's next append; n counts the polls, so that the last one to
// give up removes the entry (a user who has gone leaves nothing here).
type waiters struct {
	ch chan struct{}
	n  int
}

const eventChannel = "{gw}:events"

var _ gateway.EventLog = (*EventLog)(nil)

// NewEventLog starts the subscription; it ends with ctx.
func NewEventLog(ctx context.Context, rdb redis.UniversalClient, log *slog.Logger) *EventLog {
	l := &EventLog{rdb: rdb, log: log, waiters: make(map[string]*waiters)}
	go l.listen(ctx)
	return l
}

// listen wakes local long-polls on every append, on any node. go-redis
// resubscribes by itself after Redis comes back; waiters are woken then
// too, since appends may have been missed while it was away.
func (l *EventLog) listen(ctx context.Context) {
	for ctx.Err() == nil {
		sub := l.rdb.Subscribe(ctx, eventChannel)
		ch := sub.Channel(redis.WithChannelHealthCheckInterval(5 * time.Second))
		l.wakeAll()
		for msg := range ch {
			l.wake(msg.Payload)
		}
		_ = sub.Close()
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (l *EventLog) wake(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w, ok := l.waiters[user]; ok {
		close(w.ch)
		delete(l.waiters, user)
	}
}

func (l *EventLog) wakeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for user, w := range l.waiters {
		close(w.ch)
		delete(l.waiters, user)
	}
}

// wait joins the user's waiters; done leaves them.
func (l *EventLog) wait(user string) (woken <-chan struct{}, done func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.waiters[user]
	if !ok {
		w = &waiters{ch: make(chan struct{})}
		l.waiters[user] = w
	}
	w.n++
	return w.ch, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if w.n--; w.n == 0 && l.waiters[user] == w {
			delete(l.waiters, user)
		}
	}
}

// Waiting is how many users have long-polls waiting on this node.
func (l *EventLog) Waiting() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.waiters)
}

// appendScript: KEYS are the feed and its sequence, in the user's shard;
// the channel is an argument (a channel is not a key, and naming it among
// KEYS would put it in another slot of a Cluster).
var appendScript = redis.NewScript(`
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], seq .. '-1', 'ev', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[2])
return seq`)

func feedKeys(user string) (feed, seq string) {
	p := KeyPrefix(user)
	return p + "e:" + user, p + "seq:" + user
}

// Append implements gateway.EventLog.
func (l *EventLog) Append(ctx context.Context, user string, ev gateway.Event) (gateway.Event, error) {
	data, err := encodeEvent(ev)
	if err != nil {
		return ev, err
	}
	feed, seqKey := feedKeys(user)
	seq, err := appendScript.Run(ctx, l.rdb, []string{feed, seqKey},
		data, user, gateway.DefaultFeedSize, l.feedTTL().Milliseconds(), eventChannel).Int64()
	if err != nil {
		return ev, err
	}
	ev.Seq = uint64(seq)
	return ev, nil
}

func (l *EventLog) feedTTL() time.Duration {
	if l.FeedTTL > 0 {
		return l.FeedTTL
	}
	return DefaultFeedTTL
}

// Since implements gateway.EventLog.
func (l *EventLog) Since(ctx context.Context, user string, since uint64, wait time.Duration) ([]gateway.Event, uint64, error) {
	if wait <= 0 {
		return l.read(ctx, user, since)
	}
	deadline := time.Now().Add(wait)
	woken, done := l.wait(user) // before reading, so an append in between is not missed
	defer func() { done() }()
	for {
		evs, next, err := l.read(ctx, user, since)
		if err != nil || len(evs) > 0 {
			return evs, next, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, next, nil
		}
		since = next
		timer := time.NewTimer(left)
		select {
		case <-woken:
			done() // the woken set is gone: join the next one
			woken, done = l.wait(user)
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, next, nil
		}
		timer.Stop()
	}
}

func (l *EventLog) read(ctx context.Context, user string, since uint64) ([]gateway.Event, uint64, error) {
	feed, seqKey := feedKeys(user)
	pipe := l.rdb.Pipeline()
	head := pipe.Get(ctx, seqKey)
	rng := pipe.XRange(ctx, feed, "("+strconv.FormatUint(since, 10)+"-1", "+")
	_, err := pipe.Exec(ctx)
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, 0, err
	}
	last, _ := head.Uint64()
	if since > last {
		return nil, last, nil // a client from before a reset: start from now
	}
	var out []gateway.Event
	for _, m := range rng.Val() {
		data, _ := m.Values["ev"].(string)
		ev, err := decodeEvent([]byte(data))
		if err != nil {
			continue
		}
		seq, _ := strconv.ParseUint(strings.TrimSuffix(m.ID, "-1"), 10, 64)
		ev.Seq = seq
		out = append(out, ev)
	}
	if len(out) > 0 {
		return out, out[len(out)-1].Seq, nil
	}
	return nil, max(since, last), nil
}

package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisEventLog keeps each perspective's feed in a Redis stream whose entry
// IDs are the sequence numbers ({gw}:e:<user>, at most DefaultFeedSize
// entries), and tells every node of each append on one pub/sub channel.
// Long-polls wait on the node, not on Redis: each node holds a single
// subscription, however many clients are waiting.
type RedisEventLog struct {
	rdb     redis.UniversalClient
	log     *slog.Logger
	mu      sync.Mutex
	waiters map[string]chan struct{} // user -> closed on the next append
}

const eventChannel = "{gw}:events"

// NewRedisEventLog starts the subscription; it ends with ctx.
func NewRedisEventLog(ctx context.Context, rdb redis.UniversalClient, log *slog.Logger) *RedisEventLog {
	l := &RedisEventLog{rdb: rdb, log: log, waiters: make(map[string]chan struct{})}
	go l.listen(ctx)
	return l
}

// listen wakes local long-polls on every append, on any node. go-redis
// resubscribes by itself after Redis comes back; waiters are woken then
// too, since appends may have been missed while it was away.
func (l *RedisEventLog) listen(ctx context.Context) {
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

func (l *RedisEventLog) wake(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ch, ok := l.waiters[user]; ok {
		close(ch)
		delete(l.waiters, user)
	}
}

func (l *RedisEventLog) wakeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for user, ch := range l.waiters {
		close(ch)
		delete(l.waiters, user)
	}
}

func (l *RedisEventLog) waiter(user string) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch, ok := l.waiters[user]
	if !ok {
		ch = make(chan struct{})
		l.waiters[user] = ch
	}
	return ch
}

var appendScript = redis.NewScript(`
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], seq .. '-1', 'ev', ARGV[1])
redis.call('PUBLISH', KEYS[3], ARGV[2])
return seq`)

// Append implements EventLog.
func (l *RedisEventLog) Append(ctx context.Context, user string, ev Event) (Event, error) {
	data, err := json.Marshal(ev)
	if err != nil {
		return ev, err
	}
	seq, err := appendScript.Run(ctx, l.rdb, []string{"{gw}:e:" + user, "{gw}:seq:" + user, eventChannel},
		data, user, DefaultFeedSize).Int64()
	if err != nil {
		return ev, err
	}
	ev.Seq = uint64(seq)
	return ev, nil
}

// Since implements EventLog.
func (l *RedisEventLog) Since(ctx context.Context, user string, since uint64, wait time.Duration) ([]Event, uint64, error) {
	deadline := time.Now().Add(wait)
	for {
		woken := l.waiter(user) // before reading, so an append in between is not missed
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
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, next, nil
		}
		timer.Stop()
	}
}

func (l *RedisEventLog) read(ctx context.Context, user string, since uint64) ([]Event, uint64, error) {
	pipe := l.rdb.Pipeline()
	head := pipe.Get(ctx, "{gw}:seq:"+user)
	rng := pipe.XRange(ctx, "{gw}:e:"+user, "("+strconv.FormatUint(since, 10)+"-1", "+")
	_, err := pipe.Exec(ctx)
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, 0, err
	}
	last, _ := head.Uint64()
	if since > last {
		return nil, last, nil // a client from before a reset: start from now
	}
	var out []Event
	for _, m := range rng.Val() {
		var ev Event
		data, _ := m.Values["ev"].(string)
		if json.Unmarshal([]byte(data), &ev) != nil {
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

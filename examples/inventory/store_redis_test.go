package inventory

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gateway/conformance/harness"
)

// hgetCounter counts a client's stock reads (HGET, alone or pipelined).
type hgetCounter struct{ n atomic.Int64 }

func (c *hgetCounter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *hgetCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.count([]redis.Cmder{cmd})
		return next(ctx, cmd)
	}
}
func (c *hgetCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.count(cmds)
		return next(ctx, cmds)
	}
}
func (c *hgetCounter) count(cmds []redis.Cmder) {
	for _, cmd := range cmds {
		if strings.EqualFold(cmd.Name(), "hget") {
			c.n.Add(1)
		}
	}
}

// TestRedisStockCache: two nodes on one Redis. A node answers an item's
// stock from memory after one read; a reservation or cancellation through
// either node is seen at once on the node that made it and, once its
// pub/sub message arrives, on the other; the reservations themselves are
// Redis's, never the cache's.
func TestRedisStockCache(t *testing.T) {
	rd := harness.StartRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	node := func() (*redisStore, *hgetCounter) {
		rdb := rd.Client(t)
		counter := &hgetCounter{}
		rdb.AddHook(counter)
		svc, err := NewRedis(ctx, rdb)
		if err != nil {
			t.Fatal(err)
		}
		st := svc.store.(*redisStore)
		deadline := time.Now().Add(5 * time.Second)
		for !st.cache.isLive() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if !st.cache.isLive() {
			t.Fatal("the stock cache never heard its subscription confirmed")
		}
		return st, counter
	}
	a, aReads := node()
	b, _ := node()

	stockOn := func(st *redisStore) int64 {
		t.Helper()
		n, err := st.stockOf(ctx, "B-2")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// eventually waits for a's stock to become want (the pub/sub message).
	eventually := func(want int64) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Second)
		for stockOn(a) != want {
			if time.Now().After(deadline) {
				t.Fatalf("node a's stock of B-2 stays %d, want %d", stockOn(a), want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	start := stockOn(a)
	for range 50 {
		if n := stockOn(a); n != start {
			t.Fatalf("stock moved with nobody reserving: %d, was %d", n, start)
		}
	}
	if n := aReads.n.Load(); n != 1 {
		t.Errorf("51 reads of one item's stock went to Redis %d times, want once", n)
	}

	r, _, ok, err := b.reserve(ctx, "alice", "B-2", 2, time.Now())
	if err != nil || !ok {
		t.Fatalf("reserve on b: %v %v", ok, err)
	}
	if n := stockOn(b); n != start-2 {
		t.Errorf("b after its own reservation: %d, want %d", n, start-2)
	}
	eventually(start - 2)

	if ok, err := b.cancel(ctx, "alice", r.id); err != nil || !ok {
		t.Fatalf("cancel on b: %v %v", ok, err)
	}
	if n := stockOn(b); n != start {
		t.Errorf("b after its own cancellation: %d, want %d", n, start)
	}
	eventually(start)

	// The last units go to exactly one of two nodes whose caches both say
	// they are there: the check is the script's.
	stockOn(b)
	if _, _, ok, err := a.reserve(ctx, "bob", "B-2", start, time.Now()); err != nil || !ok {
		t.Fatalf("reserve all on a: %v %v", ok, err)
	}
	if _, left, ok, err := b.reserve(ctx, "carol", "B-2", 1, time.Now()); err != nil || ok || left != 0 {
		t.Errorf("reserve on b after a took all: ok %v, left %d, %v", ok, left, err)
	}
}

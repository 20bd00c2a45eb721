package redisstore

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gateway/conformance/harness"
	"gateway/gateway"
)

// scriptCounter counts the scripts a node runs: a touch answered from the
// cache runs none.
type scriptCounter struct{ n atomic.Int64 }

func (c *scriptCounter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *scriptCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (c *scriptCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if strings.HasPrefix(cmd.Name(), "eval") {
			c.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

type node struct {
	st      *Store
	scripts *scriptCounter
}

func newNode(t *testing.T, ctx context.Context, url string) node {
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	n := node{NewStore(rdb), &scriptCounter{}}
	rdb.AddHook(n.scripts)
	n.st.CacheSessions(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	waitFor(t, "the cache's subscription", func() bool { n.st.cache.mu.Lock(); defer n.st.cache.mu.Unlock(); return n.st.cache.live })
	return n
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestSessionCache: two nodes on one Redis. A node answers a session it
// touched within TouchInterval without Redis, touches Redis again after
// it, never answers past the idle expiry Redis holds, and forgets a
// session removed on the other node (a logout, the sweeper) or when its
// subscription is lost; the detach stays exactly once.
func TestSessionCache(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: needs redis-server")
	}
	r := harness.StartRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, b := newNode(t, ctx, r.URL), newNode(t, ctx, r.URL)
	t0 := time.Now().Truncate(time.Millisecond)
	idle := 10 * time.Second
	newSession := func(h, id string) *gateway.Session {
		s := &gateway.Session{TokenHash: h, Identity: gateway.Identity{Username: "bob"}, Client: gateway.ClientInfo{ID: id, Protocol: "xmlrpc"},
			CreatedAt: t0, LastSeen: t0, IdleExpiry: t0.Add(idle), Deadline: t0.Add(time.Hour)}
		if err := a.st.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	touch := func(n node, h string, at time.Time) (*gateway.Session, gateway.DetachReason, int64, error) {
		before := n.scripts.n.Load()
		s, reason, err := n.st.Touch(ctx, h, at, idle)
		return s, reason, n.scripts.n.Load() - before, err
	}

	newSession("h1", "c1")
	if _, _, scripts, err := touch(a, "h1", t0.Add(time.Second)); err != nil || scripts == 0 {
		t.Fatalf("first touch: %v, %d scripts, want some", err, scripts)
	}
	for _, at := range []time.Duration{1100 * time.Millisecond, 1500 * time.Millisecond, 1999 * time.Millisecond} {
		s, reason, scripts, err := touch(a, "h1", t0.Add(at))
		if err != nil || reason != "" || scripts != 0 || s.Client.ID != "c1" || !s.LastSeen.Equal(t0.Add(at)) {
			t.Fatalf("touch at +%v: %v %q, %d scripts (want 0), %+v", at, err, reason, scripts, s)
		}
	}
	if _, _, scripts, err := touch(a, "h1", t0.Add(2*time.Second)); err != nil || scripts == 0 {
		t.Fatalf("touch a TouchInterval later: %v, %d scripts, want some (Redis touched again)", err, scripts)
	}
	// Within the interval of that touch, the cache answers again.
	if _, _, scripts, err := touch(a, "h1", t0.Add(2*time.Second+900*time.Millisecond)); err != nil || scripts != 0 {
		t.Fatalf("touch within the interval: %v, %d scripts", err, scripts)
	}

	// A logout on b: a hears it and no longer answers the session.
	if _, _, _, err := touch(b, "h1", t0.Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, _, scripts, err := touch(a, "h1", t0.Add(3500*time.Millisecond)); err != nil || scripts == 0 {
		t.Fatalf("a's touch after b's: %v, %d scripts", err, scripts)
	}
	gone, err := b.st.Remove(ctx, "c1")
	if err != nil || gone.TokenHash != "h1" {
		t.Fatalf("Remove on b: %v %+v", err, gone)
	}
	waitFor(t, "a to hear of the logout", func() bool {
		a.st.cache.mu.Lock()
		defer a.st.cache.mu.Unlock()
		return a.st.cache.entries["h1"] == nil
	})
	if _, _, _, err := touch(a, "h1", t0.Add(3600*time.Millisecond)); !errors.Is(err, gateway.ErrNoSession) {
		t.Fatalf("a's touch after the logout on b: %v, want ErrNoSession", err)
	}
	if _, err := a.st.Remove(ctx, "c1"); !errors.Is(err, gateway.ErrNoSession) {
		t.Fatalf("a second removal on a: %v, want ErrNoSession (detached once)", err)
	}

	// An idle expiry: the cache never answers past the expiry Redis holds;
	// Redis answers, with the session, to exactly one of the nodes.
	newSession("h2", "c2")
	if _, _, _, err := touch(a, "h2", t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	late := t0.Add(time.Second + idle)
	s, reason, scripts, err := touch(a, "h2", late)
	if err != nil || reason != gateway.ReasonIdleTimeout || scripts == 0 || s.Client.ID != "c2" {
		t.Fatalf("touch at the idle expiry: %v %q, %d scripts, %+v", err, reason, scripts, s)
	}
	if _, _, _, err := touch(b, "h2", late); !errors.Is(err, gateway.ErrNoSession) {
		t.Fatalf("b after a took the expiry: %v, want ErrNoSession", err)
	}

	// The sweeper on b removes a session a holds: a forgets it.
	newSession("h3", "c3")
	if _, _, _, err := touch(a, "h3", t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	swept, err := b.st.Expire(ctx, t0.Add(2*time.Hour))
	if err != nil || len(swept) != 1 || swept[0].TokenHash != "h3" {
		t.Fatalf("sweep: %v %+v", err, swept)
	}
	waitFor(t, "a to hear of the sweep", func() bool {
		a.st.cache.mu.Lock()
		defer a.st.cache.mu.Unlock()
		return a.st.cache.entries["h3"] == nil
	})

	// A lost subscription empties the cache and stops its answers until
	// the subscription is back; then it answers again.
	newSession("h4", "c4")
	if _, _, _, err := touch(a, "h4", t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	genBefore := func() uint64 { a.st.cache.mu.Lock(); defer a.st.cache.mu.Unlock(); return a.st.cache.gen }()
	adminOpts, _ := redis.ParseURL(r.URL)
	admin := redis.NewClient(adminOpts)
	defer admin.Close()
	if err := admin.Do(ctx, "CLIENT", "KILL", "TYPE", "pubsub").Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the cache to be emptied and resubscribed", func() bool {
		a.st.cache.mu.Lock()
		defer a.st.cache.mu.Unlock()
		return a.st.cache.gen > genBefore && a.st.cache.live && a.st.cache.entries["h4"] == nil
	})
	if _, _, scripts, err := touch(a, "h4", t0.Add(1100*time.Millisecond)); err != nil || scripts == 0 {
		t.Fatalf("first touch after resubscribing: %v, %d scripts, want some", err, scripts)
	}
	if _, _, scripts, err := touch(a, "h4", t0.Add(1200*time.Millisecond)); err != nil || scripts != 0 {
		t.Fatalf("second touch after resubscribing: %v, %d scripts, want 0", err, scripts)
	}
}

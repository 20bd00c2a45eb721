package redisstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gateway/conformance/harness"
	"gateway/gateway"
)

// TestStoreOnRedisCluster: on a Cluster of three masters (each with a
// replica), users' sessions spread over every master, and so do the calls;
// a session is detached exactly once however logouts, lookups and the
// sweepers of two nodes race; the sweepers share the shards out; and a
// session outlives the failover of its master.
func TestStoreOnRedisCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: needs redis-server")
	}
	cl := harness.StartRedisCluster(t, 3, 1)
	var addrs []string
	for _, n := range cl.Nodes {
		addrs = append(addrs, "127.0.0.1:"+strconv.Itoa(n.Port()))
	}
	newClient := func() *redis.ClusterClient {
		c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, ClusterStateReloadInterval: 2 * time.Second}) // as the gateway makes it
		t.Cleanup(func() { c.Close() })
		return c
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rdbA, rdbB := newClient(), newClient()
	a, b := NewStore(rdbA), NewStore(rdbB)
	if a.oneServer {
		t.Fatal("a ClusterClient taken for one server")
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a.CacheSessions(ctx, quiet)
	b.CacheSessions(ctx, quiet)

	now := time.Now().Truncate(time.Millisecond)
	const users = 300
	sessions := make([]*gateway.Session, users)
	for i := range sessions {
		s := &gateway.Session{TokenHash: fmt.Sprintf("h%03d", i), Identity: gateway.Identity{Username: fmt.Sprintf("user%d", i)},
			Client:    gateway.ClientInfo{ID: fmt.Sprintf("c%03d", i), Protocol: "xmlrpc"},
			CreatedAt: now, LastSeen: now, IdleExpiry: now.Add(time.Minute), Deadline: now.Add(time.Hour)}
		if err := a.Create(ctx, s); err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		sessions[i] = s
	}

	// Keys and calls on every master: each of the three holds and serves
	// a fair part (a third, give or take what 300 users hashed into 256
	// shards make of it).
	perMaster := func(what func(c *redis.Client) int64) []int64 {
		var mu sync.Mutex
		var out []int64
		_ = rdbA.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			n := what(c)
			mu.Lock()
			out = append(out, n)
			mu.Unlock()
			return nil
		})
		return out
	}
	checkSpread := func(what string, counts []int64) {
		t.Helper()
		var total int64
		for _, n := range counts {
			total += n
		}
		if len(counts) != 3 {
			t.Fatalf("%s: %d masters", what, len(counts))
		}
		for _, n := range counts {
			if float64(n) < 0.2*float64(total) {
				t.Errorf("%s per master %v: one holds under a fifth", what, counts)
			}
		}
		t.Logf("%s per master: %v", what, counts)
	}
	checkSpread("keys", perMaster(func(c *redis.Client) int64 { return c.DBSize(ctx).Val() }))
	evals := func(c *redis.Client) int64 {
		info := c.Info(ctx, "commandstats").Val()
		_, rest, ok := strings.Cut(info, "cmdstat_evalsha:calls=")
		if !ok {
			return 0
		}
		n, _ := strconv.ParseInt(rest[:strings.IndexByte(rest, ',')], 10, 64)
		return n
	}
	for _, s := range sessions {
		if _, _, err := a.Touch(ctx, s.TokenHash, now.Add(time.Second), time.Minute); err != nil {
			t.Fatalf("touch %s: %v", s.TokenHash, err)
		}
	}
	checkSpread("scripts run (creates and touches)", perMaster(evals))

	// Exactly once: for each of 100 sessions, a logout on each node and an
	// expired lookup race; one of them gets the session back.
	var got [100]atomic.Int32
	var wg sync.WaitGroup
	for i := range 100 {
		s := sessions[i]
		for _, f := range []func() (*gateway.Session, error){
			func() (*gateway.Session, error) { return a.Remove(ctx, s.Client.ID) },
			func() (*gateway.Session, error) { return b.Remove(ctx, s.Client.ID) },
			func() (*gateway.Session, error) {
				gone, _, err := b.Touch(ctx, s.TokenHash, now.Add(2*time.Hour), time.Minute)
				return gone, err
			},
		} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				gone, err := f()
				switch {
				case err == nil && gone != nil && gone.Client.ID == s.Client.ID:
					got[i].Add(1)
				case err != nil && !errors.Is(err, gateway.ErrNoSession):
					t.Errorf("session %d: %v", i, err)
				}
			}()
		}
	}
	wg.Wait()
	for i := range got {
		if n := got[i].Load(); n != 1 {
			t.Errorf("session %d handed back %d times, want once", i, n)
		}
	}
	// The user index and pointers went with them.
	if n := rdbA.Exists(ctx, tokenPointer(sessions[0].TokenHash), clientPointer(sessions[0].Client.ID)).Val(); n != 0 {
		t.Errorf("%d pointers left after the removal", n)
	}
	if mine, err := a.ByUser(ctx, sessions[0].Identity.Username); err != nil || len(mine) != 0 {
		t.Errorf("ByUser after the removal: %v %v", mine, err)
	}

	// The sweepers share the shards out: two nodes, disjoint halves that
	// together are all 256; each expired session is swept once.
	for _, n := range []struct {
		s    *Store
		name string
	}{{a, "node-a"}, {b, "node-b"}, {a, "node-a"}} {
		if ok, err := n.s.Lease(ctx, n.name, time.Minute); err != nil || !ok {
			t.Fatalf("lease %s: %v %v", n.name, ok, err)
		}
	}
	if len(a.share)+len(b.share) != shardCount || len(a.share) != shardCount/2 {
		t.Fatalf("shares of %d and %d shards", len(a.share), len(b.share))
	}
	seen := map[int]bool{}
	for _, i := range append(append([]int{}, a.share...), b.share...) {
		seen[i] = true
	}
	if len(seen) != shardCount {
		t.Fatalf("the shares cover %d shards", len(seen))
	}
	sweptA, errA := a.Expire(ctx, now.Add(2*time.Hour))
	sweptB, errB := b.Expire(ctx, now.Add(2*time.Hour))
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if len(sweptA) == 0 || len(sweptB) == 0 || len(sweptA)+len(sweptB) != users-100 {
		t.Fatalf("swept %d on a and %d on b, want %d in all, some by each", len(sweptA), len(sweptB), users-100)
	}
	if again, _ := a.Expire(ctx, now.Add(2*time.Hour)); len(again) != 0 {
		t.Errorf("a second sweep found %d", len(again))
	}

	// Failover: a session lives on while its master dies and its replica
	// takes over.
	s := &gateway.Session{TokenHash: "hf", Identity: gateway.Identity{Username: "frank"}, Client: gateway.ClientInfo{ID: "cf", Protocol: "soap"},
		CreatedAt: now, LastSeen: now, IdleExpiry: now.Add(time.Hour), Deadline: now.Add(2 * time.Hour)}
	if err := a.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	master, err := rdbA.MasterForKey(ctx, KeyPrefix("frank")+"exp")
	if err != nil {
		t.Fatal(err)
	}
	// Replicated before the kill: the replica's offset has reached the
	// master's (WAIT would only wait for its own connection's writes).
	waitReplicated := func() bool {
		info := master.Info(ctx, "replication").Val()
		_, off, _ := strings.Cut(info, "master_repl_offset:")
		off, _, _ = strings.Cut(off, "\r")
		return off != "" && strings.Contains(info, "offset="+off+",")
	}
	for deadline := time.Now().Add(5 * time.Second); !waitReplicated(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not replicated: %s", master.Info(ctx, "replication").Val())
		}
	}
	port := strings.TrimPrefix(master.Options().Addr, "127.0.0.1:")
	for _, n := range cl.Nodes {
		if strconv.Itoa(n.Port()) == port {
			n.Stop()
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		gotS, _, err := b.Touch(ctx, "hf", now.Add(time.Minute), time.Hour)
		if err == nil && gotS.Client.ID == "cf" {
			break
		}
		if time.Now().After(deadline) {
			for _, n := range cl.Nodes {
				out, _ := exec.Command("redis-cli", "-p", strconv.Itoa(n.Port()), "cluster", "nodes").CombinedOutput()
				t.Logf("%d:\n%s", n.Port(), out)
			}
			t.Fatalf("the session after its master's failover: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	first, err1 := a.Remove(ctx, "cf")
	_, err2 := b.Remove(ctx, "cf")
	if err1 != nil || first.TokenHash != "hf" || !errors.Is(err2, gateway.ErrNoSession) {
		t.Errorf("removal after the failover: %v %v %v", first, err1, err2)
	}
}

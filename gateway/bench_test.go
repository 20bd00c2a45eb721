package gateway_test

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"

	"gateway/gateway"
)

// BenchmarkAuthenticateAndInvoke is the core's share of one call: token to
// session, group check, parameter check, the operation.
func BenchmarkAuthenticateAndInvoke(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	token, _, err := f.core.Login(ctx, gateway.Credentials{Username: "alice", Password: "pw"}, gateway.ClientInfo{Protocol: "xmlrpc"})
	if err != nil {
		b.Fatal(err)
	}
	svc, op, _ := f.core.Services().Lookup("inventory", "GetItem")
	params := gateway.Struct{{Name: "sku", Value: "A-1"}}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s, err := f.core.Resume(ctx, token)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := f.core.Invoke(ctx, s, svc, op, params); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLogin is the core's share of a login (the directory is faked).
func BenchmarkLogin(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := f.core.Login(ctx, gateway.Credentials{Username: "alice", Password: "pw"}, gateway.ClientInfo{Protocol: "xmlrpc"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIdleSessionMemory reports the heap bytes one idle session costs
// in the memory store, measured over 100,000 sessions (scenario 6).
func BenchmarkIdleSessionMemory(b *testing.B) {
	for b.Loop() {
		const n = 100_000
		store := gateway.NewMemoryStore()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		now := time.Now()
		for i := 0; i < n; i++ {
			token := gateway.NewToken()
			s := &gateway.Session{
				TokenHash: gateway.HashToken(token), CreatedAt: now, LastSeen: now, IdleExpiry: now.Add(time.Minute), Deadline: now.Add(time.Hour),
				Identity: gateway.Identity{Username: "user" + strconv.Itoa(i%1000), DN: "uid=user,ou=people,dc=example,dc=org", DisplayName: "User", Groups: []string{"staff"}},
				Client:   gateway.ClientInfo{ID: strconv.Itoa(i), Protocol: "xmlrpc", Remote: "127.0.0.1", UserAgent: "Python-xmlrpc/3.11", AttachedAt: now},
			}
			if err := store.Create(context.Background(), s); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/session")
		runtime.KeepAlive(store)
	}
}

// BenchmarkAttachedClientMemory reports the heap bytes one attached client
// costs through a login: its session, its share of the user's perspective
// and of the perspective's event feed (each login is an attached event),
// measured over 10,000 clients of 100 users (scenario 6).
func BenchmarkAttachedClientMemory(b *testing.B) {
	for b.Loop() {
		const clients, users = 10_000, 100
		f := newFixture(b)
		ctx := context.Background()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := 0; i < clients; i++ {
			info := gateway.ClientInfo{Protocol: "soap", Remote: "127.0.0.1", UserAgent: "Zeep/4.2.1"}
			if _, _, err := f.core.Login(ctx, gateway.Credentials{Username: "user" + strconv.Itoa(i%users), Password: "pw"}, info); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/clients, "bytes/client")
		runtime.KeepAlive(f)
	}
}

// BenchmarkDepartedUserMemory reports the heap bytes the core keeps for a
// user who has come and gone: one failed login, a login, a per-call
// credential session, events read, both logged out; measured over 20,000
// users with the memory store, event log and throttle as a node runs
// them (issue 13: at most 2 KiB; it was about 24 KB).
func BenchmarkDepartedUserMemory(b *testing.B) {
	for b.Loop() {
		const users = 20_000
		f := newFixture(b)
		core := gateway.New(f.auth, gateway.NewMemoryStore(), gateway.NewMemoryEventLog(0), f.core.Services(), quiet, gateway.Config{})
		ctx := context.Background()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := 0; i < users; i++ {
			user := "user" + strconv.Itoa(i)
			info := gateway.ClientInfo{Protocol: "xmlrpc", Remote: "10.0." + strconv.Itoa(i/250) + "." + strconv.Itoa(i%250), UserAgent: "Python-xmlrpc/3.11"}
			_, _, _ = core.Login(ctx, gateway.Credentials{Username: user, Password: "wrong"}, info)
			_, s, err := core.Login(ctx, gateway.Credentials{Username: user, Password: "pw"}, info)
			if err != nil {
				b.Fatal(err)
			}
			basic, err := core.CredentialSession(ctx, gateway.Credentials{Username: user, Password: "pw"}, info)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := core.Perspective(s).Events(ctx, 0, 0); err != nil {
				b.Fatal(err)
			}
			_ = core.Logout(ctx, s)
			_ = core.Logout(ctx, basic)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/users, "bytes/user")
		runtime.KeepAlive(core)
	}
}

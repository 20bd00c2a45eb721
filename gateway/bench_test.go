package gateway_test

import (
	"context"
	"testing"

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
			s, err := f.core.Authenticate(ctx, token)
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

package oidcauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"gateway/gateway"
)

// testProvider serves a discovery document and a JWKS, and signs tokens
// with its key (or another one, to forge).
type testProvider struct {
	srv *httptest.Server
	key *ecdsa.PrivateKey
}

func newTestProvider(t *testing.T) *testProvider {
	t.Helper()
	p := &testProvider{}
	p.key, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "jwks_uri": p.srv.URL + "/keys",
			"authorization_endpoint": p.srv.URL + "/auth", "token_endpoint": p.srv.URL + "/token",
			"id_token_signing_alg_values_supported": []string{"ES256"}})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *testProvider) sign(t *testing.T, key *ecdsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type dirStub map[string]gateway.Identity

func (d dirStub) LookupIdentity(_ context.Context, u string) (gateway.Identity, error) {
	if id, ok := d[u]; ok {
		return id, nil
	}
	return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "invalid")
}

func TestChecker(t *testing.T) {
	p := newTestProvider(t)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	claims := func(over map[string]any) map[string]any {
		c := map[string]any{"iss": p.srv.URL, "aud": "gateway", "sub": "u-1", "preferred_username": "alice", "name": "Alice L.",
			"groups": []string{"staff", "ops"}, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		for k, v := range over {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		return c
	}
	byClaims, err := New(Config{Issuer: p.srv.URL, Audiences: []string{"gateway", "portal"}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	byDirectory, _ := New(Config{Issuer: p.srv.URL, Audiences: []string{"gateway"}}, dirStub{"alice": {Username: "alice", DN: "uid=alice", Groups: []string{"admins"}}}, nil)
	for _, c := range []struct {
		name    string
		checker *Checker
		token   string
		want    string // the username, or a part of the refusal
		groups  string
	}{
		{"claims", byClaims, p.sign(t, p.key, claims(nil)), "alice", "staff,ops"},
		{"a second audience", byClaims, p.sign(t, p.key, claims(map[string]any{"aud": []string{"other", "portal"}})), "alice", "staff,ops"},
		{"one group as a string", byClaims, p.sign(t, p.key, claims(map[string]any{"groups": "staff"})), "alice", "staff"},
		{"the directory's groups", byDirectory, p.sign(t, p.key, claims(nil)), "alice", "admins"},
		{"not in the directory", byDirectory, p.sign(t, p.key, claims(map[string]any{"preferred_username": "mallory"})), "no directory entry", ""},
		{"expired", byClaims, p.sign(t, p.key, claims(map[string]any{"exp": now.Add(-time.Minute).Unix()})), "expired", ""},
		{"not yet valid", byClaims, p.sign(t, p.key, claims(map[string]any{"nbf": now.Add(time.Hour).Unix()})), "nbf", ""},
		{"another issuer", byClaims, p.sign(t, p.key, claims(map[string]any{"iss": "https://evil.example"})), "a different provider", ""},
		{"another audience", byClaims, p.sign(t, p.key, claims(map[string]any{"aud": "someone-else"})), "another audience", ""},
		{"signed by another key", byClaims, p.sign(t, other, claims(nil)), "not valid", ""},
		{"no username claim", byClaims, p.sign(t, p.key, claims(map[string]any{"preferred_username": nil})), "no preferred_username claim", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			id, err := c.checker.Authenticate(t.Context(), gateway.Credentials{Bearer: c.token})
			if c.groups == "" {
				if err == nil || gateway.AsFault(err).Kind != gateway.FaultUnauthenticated || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("want a refusal naming %q, got %v (%+v)", c.want, err, id)
				}
				return
			}
			if err != nil || id.Username != c.want || strings.Join(id.Groups, ",") != c.groups {
				t.Fatalf("%+v %v", id, err)
			}
		})
	}
	// A provider that is down is Unavailable, not a bad token.
	down, _ := New(Config{Issuer: "http://127.0.0.1:1", Audiences: []string{"gateway"}, Timeout: time.Second}, nil, nil)
	if _, err := down.Authenticate(t.Context(), gateway.Credentials{Bearer: "a.b.c"}); gateway.AsFault(err).Kind != gateway.FaultUnavailable {
		t.Fatalf("a provider that is down: %v", err)
	}
}

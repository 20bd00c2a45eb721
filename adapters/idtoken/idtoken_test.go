package idtoken

import (
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"gateway/gateway"
)

// verify checks a token against the issuer's published set, as an
// upstream would, and returns its claims.
func verify(t *testing.T, is *Issuer, token, audience string, at time.Time) (Claims, error) {
	t.Helper()
	parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	set := is.JWKS()
	keys := set.Key(parsed.Headers[0].KeyID)
	if len(keys) == 0 {
		return Claims{}, jose.ErrCryptoFailure
	}
	var c Claims
	if err := parsed.Claims(keys[0].Key, &c); err != nil {
		return Claims{}, err
	}
	return c, c.ValidateWithLeeway(jwt.Expected{Issuer: "https://gw", AnyAudience: jwt.Audience{audience}, Time: at}, 0)
}

func TestTokensAndRotation(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	is, err := New(Config{Issuer: "https://gw", TTL: time.Minute, Rotate: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	is.now = func() time.Time { return now }
	is.next = now.Add(time.Hour)
	alice := gateway.Identity{Username: "alice", DN: "uid=alice,dc=x", DisplayName: "Alice", Groups: []string{"staff", "ops,admins"}}
	first, err := is.Token(alice, "urn:billing")
	if err != nil {
		t.Fatal(err)
	}
	c, err := verify(t, is, first, "urn:billing", now)
	if err != nil || c.Subject != "alice" || len(c.Groups) != 2 || c.Groups[1] != "ops,admins" || c.Name != "Alice" || c.ID == "" {
		t.Fatalf("claims %+v: %v", c, err)
	}
	if _, err := verify(t, is, first, "urn:other", now); err == nil {
		t.Error("another audience accepted")
	}
	if _, err := verify(t, is, first, "urn:billing", now.Add(2*time.Minute)); err == nil {
		t.Error("an expired token accepted")
	}
	// An hour on, the next token comes from a new key; the old one stays
	// published while its tokens live, then goes.
	now = now.Add(time.Hour)
	second, _ := is.Token(alice, "urn:billing")
	if n := len(is.JWKS().Keys); n != 2 {
		t.Fatalf("%d keys after a rotation, want 2", n)
	}
	h1, _ := jwt.ParseSigned(first, []jose.SignatureAlgorithm{jose.ES256})
	h2, _ := jwt.ParseSigned(second, []jose.SignatureAlgorithm{jose.ES256})
	if h1.Headers[0].KeyID == h2.Headers[0].KeyID {
		t.Fatal("the rotation kept the key")
	}
	if _, err := verify(t, is, second, "urn:billing", now); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	_, _ = is.Token(alice, "urn:billing")
	if n := len(is.JWKS().Keys); n != 2 {
		t.Fatalf("%d keys after the second rotation, want 2 (the first one retired long ago)", n)
	}
	for _, k := range is.JWKS().Keys {
		if k.KeyID == h1.Headers[0].KeyID {
			t.Error("the first key is still published two rotations later")
		}
		if !k.IsPublic() {
			t.Error("a private key in the JWKS")
		}
	}
}

func TestKeyFilesRefused(t *testing.T) {
	for _, path := range []string{"/nonexistent.pem", "idtoken.go"} {
		if _, err := New(Config{KeyFiles: []string{path}}); err == nil {
			t.Errorf("%s accepted as a key", path)
		}
	}
}

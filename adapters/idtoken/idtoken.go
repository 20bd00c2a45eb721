// Package idtoken issues the gateway's identity tokens for upstreams: a
// short-lived JWT (ES256 or RS256) that says who the caller is (sub, name,
// groups) for one audience, signed by a key whose public half the gateway
// publishes as a JWKS, so that an upstream checks the caller with any JWT
// library instead of trusting plain headers or sharing an HMAC secret.
//
// Keys come from PEM files (the first signs; the others stay published,
// which is how an operator rotates: add the new key first, drop the old one
// once the tokens it signed have expired) or, without files, one key is
// made at start and replaced every Rotate, the replaced one published
// until the tokens it signed have expired. Made keys live in one process:
// gateways that share sessions need key files, so that every node
// publishes the key that signed a token whichever node an upstream asks.
package idtoken

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"gateway/gateway"
)

// Defaults.
const (
	DefaultTTL    = 60 * time.Second
	DefaultRotate = 24 * time.Hour
	// JWKSPath is where the gateway publishes the public keys.
	JWKSPath = "/.well-known/jwks.json"
)

// Config says how tokens are made.
type Config struct {
	Issuer   string        // the iss claim (the gateway's public URL)
	KeyFiles []string      // PEM private keys (EC P-256 or RSA); the first signs
	TTL      time.Duration // a token's life
	Rotate   time.Duration // how often a made key is replaced (no KeyFiles)
}

// key is one signing key and its public JWK.
type key struct {
	signer  jose.Signer
	public  jose.JSONWebKey
	retired time.Time // zero while it signs; when it was replaced
}

// Issuer makes tokens and serves the JWKS.
type Issuer struct {
	cfg  Config
	now  func() time.Time
	mu   sync.Mutex
	keys []*key // keys[0] signs
	made bool   // keys are made here (and rotated), not read from files
	next time.Time
}

// New reads the key files, or makes a key.
func New(cfg Config) (*Issuer, error) {
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Rotate <= 0 {
		cfg.Rotate = DefaultRotate
	}
	is := &Issuer{cfg: cfg, now: time.Now}
	for _, path := range cfg.KeyFiles {
		priv, err := readKey(path)
		if err != nil {
			return nil, fmt.Errorf("identity_tokens.key_files: %s: %w", path, err)
		}
		k, err := newKey(priv)
		if err != nil {
			return nil, fmt.Errorf("identity_tokens.key_files: %s: %w", path, err)
		}
		is.keys = append(is.keys, k)
	}
	if len(is.keys) == 0 {
		is.made = true
		if err := is.rotate(); err != nil {
			return nil, err
		}
	}
	return is, nil
}

// rotate makes a new signing key; the one it replaces stays published
// until every token it signed has expired. Called with mu held (or before
// the Issuer is shared).
func (is *Issuer) rotate() error {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	k, err := newKey(priv)
	if err != nil {
		return err
	}
	now := is.now()
	kept := []*key{k}
	for _, old := range is.keys {
		if old.retired.IsZero() {
			old.retired = now
		}
		if now.Sub(old.retired) <= is.cfg.TTL+time.Minute {
			kept = append(kept, old)
		}
	}
	is.keys, is.next = kept, now.Add(is.cfg.Rotate)
	return nil
}

func newKey(priv crypto.Signer) (*key, error) {
	alg := jose.ES256
	if _, ok := priv.(*rsa.PrivateKey); ok {
		alg = jose.RS256
	}
	public := jose.JSONWebKey{Key: priv.Public(), Algorithm: string(alg), Use: "sig"}
	thumb, err := public.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, err
	}
	public.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: priv, KeyID: public.KeyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, err
	}
	return &key{signer: signer, public: public}, nil
}

func readKey(path string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	var k any
	switch block.Type {
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, err
	}
	switch s := k.(type) {
	case *ecdsa.PrivateKey:
		if s.Curve != elliptic.P256() {
			return nil, errors.New("an EC key must be on P-256 (ES256)")
		}
		return s, nil
	case *rsa.PrivateKey:
		if s.N.BitLen() < 2048 {
			return nil, errors.New("an RSA key must have at least 2048 bits")
		}
		return s, nil
	}
	return nil, errors.New("not an EC or RSA private key")
}

// Claims are what a token says.
type Claims struct {
	jwt.Claims
	Name   string   `json:"name,omitempty"`
	Groups []string `json:"groups"`
	DN     string   `json:"dn,omitempty"`
}

// Token is a token for id, for audience.
func (is *Issuer) Token(id gateway.Identity, audience string) (string, error) {
	is.mu.Lock()
	if is.made && !is.now().Before(is.next) {
		if err := is.rotate(); err != nil {
			is.mu.Unlock()
			return "", err
		}
	}
	signer := is.keys[0].signer
	is.mu.Unlock()
	now := is.now()
	groups := id.Groups
	if groups == nil {
		groups = []string{}
	}
	c := Claims{
		Claims: jwt.Claims{
			Issuer: is.cfg.Issuer, Subject: id.Username, Audience: jwt.Audience{audience},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now.Add(-5 * time.Second)),
			Expiry: jwt.NewNumericDate(now.Add(is.cfg.TTL)), ID: gateway.NewToken()[:22],
		},
		Name: id.DisplayName, Groups: groups, DN: id.DN,
	}
	return jwt.Signed(signer).Claims(c).Serialize()
}

// JWKS is the published key set.
func (is *Issuer) JWKS() jose.JSONWebKeySet {
	is.mu.Lock()
	defer is.mu.Unlock()
	var set jose.JSONWebKeySet
	for _, k := range is.keys {
		set.Keys = append(set.Keys, k.public)
	}
	return set
}

// ServeHTTP serves the JWKS, cacheable for five minutes: JWT libraries
// fetch the set again when a token names a key they have not seen (a
// rotation), so a cached set costs nothing.
func (is *Issuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := json.Marshal(is.JWKS())
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(body)
}

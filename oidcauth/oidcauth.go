// Package oidcauth checks bearer tokens from an OpenID Connect provider:
// an ID token (or a JWT access token) signed by the issuer's keys, found
// through its discovery document (/.well-known/openid-configuration) and
// its JWKS, fetched again when a token names a key not yet seen (key
// rotation). It is the checker for gateway.AuthToken credentials; the
// identity it gives is the token's (username and groups from configurable
// claims) or, with a Directory, the directory entry the username names.
package oidcauth

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"gateway/gateway"
	"gateway/internal/certpool"
)

// Defaults of the claims read.
const (
	DefaultUsernameClaim = "preferred_username"
	DefaultGroupsClaim   = "groups"
)

// Config says which provider is trusted and how its tokens name users.
type Config struct {
	Issuer        string   // the provider's issuer URL, exactly as its tokens' iss
	Audiences     []string // a token's aud must name one of these (the gateway's client IDs)
	UsernameClaim string   // the claim that is the username
	GroupsClaim   string   // the claim that lists the groups (ignored with a Directory)
	CAFile        string   // PEM CAs for the provider's TLS; system roots when empty
	Timeout       time.Duration
}

// Directory finds the identity of a username without a password: the
// directory entry a verified token names.
type Directory interface {
	LookupIdentity(ctx context.Context, username string) (gateway.Identity, error)
}

// Checker verifies bearer tokens.
type Checker struct {
	cfg    Config
	dir    Directory // nil: the identity is the token's claims
	log    *slog.Logger
	client *http.Client

	mu       sync.Mutex
	provider *oidc.Provider        // nil until discovery succeeds
	verifier *oidc.IDTokenVerifier // nil until discovery succeeds
	failedAt time.Time             // the last failed discovery, to pace retries
}

// New makes a checker; the provider is discovered at the first token (a
// provider that is down at start does not stop the gateway).
func New(cfg Config, dir Directory, log *slog.Logger) (*Checker, error) {
	if cfg.Issuer == "" || len(cfg.Audiences) == 0 {
		return nil, errors.New("oidc: issuer and audience are required")
	}
	if cfg.UsernameClaim == "" {
		cfg.UsernameClaim = DefaultUsernameClaim
	}
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = DefaultGroupsClaim
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pool, err := certpool.Load(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("oidc.ca_file: %w", err)
		}
		tlsCfg.RootCAs = pool
	}
	client := &http.Client{Timeout: cfg.Timeout, Transport: &http.Transport{TLSClientConfig: tlsCfg, Proxy: http.ProxyFromEnvironment}}
	return &Checker{cfg: cfg, dir: dir, log: log, client: client}, nil
}

// verifierFor discovers the provider once; a failed discovery is tried
// again at most every five seconds.
func (c *Checker) verifierFor(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.verifier != nil {
		return c.verifier, nil
	}
	if time.Since(c.failedAt) < 5*time.Second {
		return nil, gateway.NewFault(gateway.FaultUnavailable, "the identity provider is unavailable")
	}
	// The key set outlives this request: its context is the client's only.
	pctx := oidc.ClientContext(context.WithoutCancel(ctx), c.client)
	provider, err := oidc.NewProvider(pctx, c.cfg.Issuer)
	if err != nil {
		c.failedAt = time.Now()
		c.log.Error("oidc: discovery failed", "issuer", c.cfg.Issuer, "err", err)
		return nil, gateway.WrapFault(gateway.FaultUnavailable, err, "the identity provider is unavailable")
	}
	// The audience is checked here against any of the configured ones.
	c.provider, c.verifier = provider, provider.Verifier(&oidc.Config{SkipClientIDCheck: true})
	c.log.Info("oidc: provider discovered", "issuer", c.cfg.Issuer)
	return c.verifier, nil
}

// Authenticate implements gateway.Authorizer for bearer tokens.
func (c *Checker) Authenticate(ctx context.Context, creds gateway.Credentials) (gateway.Identity, error) {
	if creds.Bearer == "" {
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "no bearer token")
	}
	v, err := c.verifierFor(ctx)
	if err != nil {
		return gateway.Identity{}, err
	}
	tok, err := v.Verify(oidc.ClientContext(ctx, c.client), creds.Bearer)
	if err != nil {
		// The reason (expired, signature, issuer) is the caller's to know
		// and the log's; the token itself is never logged.
		c.log.Warn("oidc: token refused", "err", reason(err))
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "the bearer token is not valid: %s", reason(err))
	}
	if !c.audienceOK(tok.Audience) {
		c.log.Warn("oidc: token for another audience", "aud", strings.Join(tok.Audience, ","))
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "the bearer token is not valid: it is for another audience")
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "the bearer token's claims cannot be read")
	}
	username, _ := claims[c.cfg.UsernameClaim].(string)
	if username == "" {
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "the bearer token has no %s claim", c.cfg.UsernameClaim)
	}
	if c.dir != nil {
		id, err := c.dir.LookupIdentity(ctx, username)
		if err != nil {
			if gateway.AsFault(err).Kind == gateway.FaultUnauthenticated {
				return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "no directory entry for the bearer token's %s", c.cfg.UsernameClaim)
			}
			return gateway.Identity{}, err
		}
		return id, nil
	}
	display, _ := claims["name"].(string)
	if display == "" {
		display = username
	}
	return gateway.Identity{Username: username, DN: tok.Subject, DisplayName: display, Groups: groupsOf(claims[c.cfg.GroupsClaim])}, nil
}

func (c *Checker) audienceOK(aud []string) bool {
	for _, a := range aud {
		for _, want := range c.cfg.Audiences {
			if a == want {
				return true
			}
		}
	}
	return false
}

// groupsOf reads a groups claim: a list of names or one name.
func groupsOf(v any) []string {
	switch g := v.(type) {
	case string:
		return []string{g}
	case []any:
		var out []string
		for _, x := range g {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// reason is a verification error without the package's prefix.
func reason(err error) string {
	var expired *oidc.TokenExpiredError
	if errors.As(err, &expired) {
		return "it expired at " + expired.Expiry.UTC().Format(time.RFC3339)
	}
	return strings.TrimPrefix(err.Error(), "oidc: ")
}

// Ready reports whether the provider can be discovered.
func (c *Checker) Ready(ctx context.Context) error {
	_, err := c.verifierFor(ctx)
	return err
}

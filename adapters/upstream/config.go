// Package upstream implements services by forwarding each operation to an
// existing system: a SOAP service, an XML-RPC server or an HTTP/JSON API. A
// Backend is a gateway.Implementation, so such a service is reachable over
// SOAP, XML-RPC and the portal like a built-in one, behind the same login.
package upstream

import (
	"errors"
	"fmt"
	"gateway/gateway"
	"net/url"
	"time"
)

// Kinds of upstream.
const (
	KindSOAP     = "soap"
	KindXMLRPC   = "xmlrpc"
	KindHTTPJSON = "http-json"
)

// Config is one service's backend: section of the configuration.
type Config struct {
	Kind           string            `yaml:"kind"`
	URL            string            `yaml:"url"`
	Timeout        time.Duration     `yaml:"timeout"`
	MaxInFlight    int               `yaml:"max_in_flight"`
	Idempotent     []string          `yaml:"idempotent"` // operations that may be retried
	Retries        *int              `yaml:"retries"`    // extra attempts for idempotent operations; nil: DefaultRetries, 0: none
	Breaker        BreakerConfig     `yaml:"breaker"`
	Methods        map[string]string `yaml:"methods"` // xmlrpc: operation -> upstream method
	Params         string            `yaml:"params"`  // xmlrpc: struct | positional
	IdentitySecret string            `yaml:"identity_secret"`
	SecretFile     string            `yaml:"identity_secret_file"`
	// StrictResponses makes an answer that breaks the WSDL's schema (a
	// facet, an occurrence bound, an unknown or repeated element) an
	// Unavailable fault; by default such an answer is passed on, logged
	// and counted (strict in, lenient out).
	StrictResponses bool `yaml:"strict_responses"`
	// Headers are values for the operations' declared SOAP headers (by
	// element name; a map for a structured header), sent on every call
	// that declares them, whatever the caller sent: an upstream's API key
	// or account stays in the gateway's configuration. A string may hold
	// {user} and {groups} (comma-separated), the caller's.
	Headers map[string]any `yaml:"headers"`
	// IdentityToken sends the caller to the upstream also as a short-lived
	// JWT (Authorization: Bearer), signed by the gateway's identity token
	// key (its public keys at /.well-known/jwks.json), for the audience
	// IdentityAudience (the upstream's URL when empty).
	IdentityToken    bool   `yaml:"identity_token"`
	IdentityAudience string `yaml:"identity_audience"`
	// Tokens makes those tokens (set by the program, not the YAML).
	Tokens TokenSource `yaml:"-"`
}

// TokenSource makes a signed identity token for an audience.
type TokenSource interface {
	Token(id gateway.Identity, audience string) (string, error)
}

// BreakerConfig is the circuit breaker: after Failures consecutive failures
// calls fail fast for Cooldown, then one trial call decides.
type BreakerConfig struct {
	Failures int           `yaml:"failures"`
	Cooldown time.Duration `yaml:"cooldown"`
}

// The defaults of a backend's settings (the configuration reference
// names these).
const (
	DefaultTimeout         = 5 * time.Second
	DefaultMaxInFlight     = 64
	DefaultRetries         = 1
	DefaultBreakerFailures = 5
	DefaultBreakerCooldown = 30 * time.Second
	DefaultParams          = "struct"
)

// WithDefaults fills what the operator left out.
func (c Config) WithDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.Retries == nil {
		retries := DefaultRetries
		c.Retries = &retries
	}
	if c.Breaker.Failures <= 0 {
		c.Breaker.Failures = DefaultBreakerFailures
	}
	if c.Breaker.Cooldown <= 0 {
		c.Breaker.Cooldown = DefaultBreakerCooldown
	}
	if c.Params == "" && c.Kind == KindXMLRPC {
		c.Params = DefaultParams
	}
	return c
}

// Validate checks the backend; errors name the key under prefix.
func (c Config) Validate(prefix string, operations []string) error {
	switch c.Kind {
	case KindSOAP, KindXMLRPC, KindHTTPJSON:
	default:
		return fmt.Errorf("%s.kind: %q is not soap, xmlrpc or http-json", prefix, c.Kind)
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s.url: %q is not an http(s) URL", prefix, c.URL)
	}
	if c.Timeout < 0 || c.MaxInFlight < 0 || c.Retries != nil && *c.Retries < 0 || c.Breaker.Failures < 0 || c.Breaker.Cooldown < 0 {
		return fmt.Errorf("%s: timeout, max_in_flight, retries and breaker must not be negative", prefix)
	}
	if c.Params != "" && c.Params != "struct" && c.Params != "positional" {
		return fmt.Errorf("%s.params: %q is not struct or positional", prefix, c.Params)
	}
	if c.Kind != KindXMLRPC && (len(c.Methods) > 0 || c.Params != "") {
		return fmt.Errorf("%s: methods and params are for kind xmlrpc", prefix)
	}
	if c.IdentityToken && c.Tokens == nil {
		return errors.New(prefix + ".identity_token: no identity token issuer (identity_tokens)")
	}
	if c.IdentitySecret != "" && c.SecretFile != "" {
		return errors.New(prefix + ".identity_secret: set identity_secret or identity_secret_file, not both")
	}
	known := map[string]bool{}
	for _, op := range operations {
		known[op] = true
	}
	if operations != nil {
		for _, op := range c.Idempotent {
			if !known[op] {
				return fmt.Errorf("%s.idempotent: the service has no operation %q", prefix, op)
			}
		}
		for op := range c.Methods {
			if !known[op] {
				return fmt.Errorf("%s.methods: the service has no operation %q", prefix, op)
			}
		}
	}
	return nil
}

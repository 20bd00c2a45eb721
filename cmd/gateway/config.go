package main

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"gateway/adapters/httpx"
	"gateway/adapters/upstream"
	"gateway/adapters/xmlrpc"
	"gateway/adapters/xmltext"
	"gateway/gateway"
	"gateway/internal/certpool"
	"gateway/ldapauth"
)

// Config is the YAML configuration of the contract. Every key is optional.
type Config struct {
	Listen string `yaml:"listen"`
	// HTTPEngine serves listen: "fasthttp" (the default: the faster one,
	// HTTP/1.1 only) or "net/http" (Go's own server, which also speaks
	// HTTP/2 over TLS). Every front end behaves the same on either; see
	// docs/configuration.md.
	HTTPEngine     string          `yaml:"http_engine"`
	PublicURL      string          `yaml:"public_url"`
	MetricsListen  string          `yaml:"metrics_listen"` // /metrics here instead of on listen; empty: on listen
	TrustedProxies []string        `yaml:"trusted_proxies"`
	TLS            TLSConfig       `yaml:"tls"`
	Session        SessionConfig   `yaml:"session"`
	LDAP           LDAPConfig      `yaml:"ldap"`
	Directory      DirectoryConfig `yaml:"directory"`
	Services       []ServiceConfig `yaml:"services"`
	Limits         LimitsConfig    `yaml:"limits"`
	// AuthChallenge answers, per front end, a call that carries no session
	// and no credentials with HTTP 401 and WWW-Authenticate (Basic), for
	// client libraries that send credentials only when challenged (Perl's
	// LWP, .NET's Credentials without PreAuthenticate, Java's
	// Authenticator). Off by default on both: the contract's answer is the
	// Unauthenticated fault (SOAP in a 500, XML-RPC -32001 in a 200), which
	// suds, zeep, gowsdl's client and Python's xmlrpc.client read as a
	// fault, and which they would take for a transport error in a 401.
	AuthChallenge AuthChallengeConfig `yaml:"auth_challenge"`
	Portal        PortalConfig        `yaml:"portal"`
	// IdentityTokens configures the JWTs a backend with identity_token
	// sends its upstream (adapters/idtoken).
	IdentityTokens IdentityTokensConfig `yaml:"identity_tokens"`
	// OIDC trusts an OpenID Connect provider's tokens as bearer
	// credentials on every front end (oidcauth).
	OIDC OIDCConfig `yaml:"oidc"`
	// Kerberos takes SPNEGO tickets (Authorization: Negotiate) checked
	// with the service's keytab (kerberosauth).
	Kerberos KerberosConfig `yaml:"kerberos"`
}

type KerberosConfig struct {
	Keytab           string        `yaml:"keytab"`            // empty: no Kerberos
	ServicePrincipal string        `yaml:"service_principal"` // e.g. HTTP/gateway.example.org; empty: any key in the keytab
	Realms           []string      `yaml:"realms"`            // client realms accepted; empty: the keytab's realm
	MaxClockSkew     time.Duration `yaml:"max_clock_skew"`
}

type OIDCConfig struct {
	Issuer        string        `yaml:"issuer"`         // empty: no provider is trusted
	Audiences     []string      `yaml:"audiences"`      // the gateway's client IDs: a token's aud names one
	UsernameClaim string        `yaml:"username_claim"` // default preferred_username
	GroupsClaim   string        `yaml:"groups_claim"`   // default groups
	Directory     bool          `yaml:"directory"`      // look the username up in the directory (its groups), instead of the claims
	CAFile        string        `yaml:"ca_file"`
	Timeout       time.Duration `yaml:"timeout"`
	// The portal's "Sign in with SSO" (authorization code flow with PKCE)
	// when ClientID is set; it must be one of Audiences (the ID tokens it
	// gets name it).
	ClientID         string   `yaml:"client_id"`
	ClientSecret     string   `yaml:"client_secret"`
	ClientSecretFile string   `yaml:"client_secret_file"`
	Scopes           []string `yaml:"scopes"` // besides openid; default profile, email
}

type IdentityTokensConfig struct {
	Issuer   string        `yaml:"issuer"`    // the iss claim; public_url, else http://{listen}, when empty
	KeyFiles []string      `yaml:"key_files"` // PEM private keys; the first signs, all are published
	TTL      time.Duration `yaml:"ttl"`       // a token's life
	Rotate   time.Duration `yaml:"rotate"`    // how often a made key is replaced (without key_files)
}

type PortalConfig struct {
	// ExplorerAssets is the folder of the swagger-ui-dist npm package
	// (make explorer installs it) for the portal's API explorer; empty:
	// the explorer page says how to install it. Swagger UI is not in the
	// repository or the binary: it is a third party's build, fetched from
	// npm by the operator, and served by the gateway itself.
	ExplorerAssets string `yaml:"explorer_assets"`
}

type AuthChallengeConfig struct {
	SOAP   bool `yaml:"soap"`
	XMLRPC bool `yaml:"xmlrpc"`
}

// Notes are what loading a configuration found worth telling the
// operator (paths resolved against the working directory): logged at
// start.
type Notes []string

type TLSConfig struct {
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// Client certificates (mutual TLS): verified against ClientCAFile and
	// the CRLs, a certificate is a credential on every front end.
	ClientCAFile    string   `yaml:"client_ca_file"`
	ClientCRLFiles  []string `yaml:"client_crl_files"`
	ClientAuth      string   `yaml:"client_auth"`       // optional (default) or require
	ClientCertPaths []string `yaml:"client_cert_paths"` // path prefixes that require one when client_auth is optional
}

// CertMapConfig says which directory entry a client certificate speaks
// for (ldapauth's CertRule and CertAttr).
type CertMapConfig struct {
	Rule      string `yaml:"rule"`      // subject_cn (default), san_email, san_upn, certificate
	Attribute string `yaml:"attribute"` // the attribute compared; the rule's own when empty
}

type SessionConfig struct {
	IdleTimeout     time.Duration `yaml:"idle_timeout"`
	AbsoluteTimeout time.Duration `yaml:"absolute_timeout"`
	Store           string        `yaml:"store"`
	RedisURL        string        `yaml:"redis_url"`
	// RedisCache answers a session's calls for up to a second after its
	// last touch in Redis from this node's memory (redisstore's cache.go).
	RedisCache bool `yaml:"redis_cache"`
	// MaxPerUser bounds one user's live sessions; a login past it
	// detaches the oldest (reason evicted).
	MaxPerUser int `yaml:"max_per_user"`
}

type LDAPConfig struct {
	URLs               []string       `yaml:"urls"`
	StartTLS           bool           `yaml:"start_tls"`
	CAFile             string         `yaml:"ca_file"`
	InsecureSkipVerify bool           `yaml:"insecure_skip_verify"`
	BindDN             string         `yaml:"bind_dn"`
	BindPassword       string         `yaml:"bind_password"`
	BindPasswordFile   string         `yaml:"bind_password_file"`
	UserBase           string         `yaml:"user_base"`
	UserFilter         string         `yaml:"user_filter"`
	LoginAttribute     string         `yaml:"login_attribute"` // empty: the attribute user_filter compares with {username}
	CertificateMap     CertMapConfig  `yaml:"certificate_map"`
	NestedGroups       bool           `yaml:"nested_groups"`  // walk the groups of groups (directories without AD's in-chain rule)
	NetBIOSDomain      string         `yaml:"netbios_domain"` // accept DOMAIN\user logins for this domain
	Referrals          string         `yaml:"referrals"`      // ignore (default) or follow: a user search's continuation references
	RangeStep          int            `yaml:"range_step"`     // ask for memberOf in ranges of this size (0: whole; AD's own ranges are followed anyway)
	GroupBase          string         `yaml:"group_base"`
	GroupFilter        *string        `yaml:"group_filter"` // nil: the default; "": the user's memberOf
	GroupAttr          string         `yaml:"group_attr"`
	Timeout            time.Duration  `yaml:"timeout"`
	PoolSize           int            `yaml:"pool_size"`
	GroupCacheTTL      *time.Duration `yaml:"group_cache_ttl"` // nil: the default (60s); 0: no cache
	EntryCacheTTL      *time.Duration `yaml:"entry_cache_ttl"` // nil: the default (60s); 0: no cache
}

type DirectoryConfig struct {
	LDIF string `yaml:"ldif"`
}

type ServiceConfig struct {
	Name string `yaml:"name"`
	// WSDL is a file, or an http(s) URL fetched at start (with WSDLAuth);
	// for a soap backend, empty: fetched from the upstream's ?wsdl.
	WSDL        string           `yaml:"wsdl"`
	WSDLAuth    *WSDLAuthConfig  `yaml:"wsdl_auth"`
	Builtin     string           `yaml:"builtin"`
	AllowGroups []string         `yaml:"allow_groups"`
	Backend     *upstream.Config `yaml:"backend"`
}

// WSDLAuthConfig is how the gateway proves itself to the server a WSDL is
// fetched from: HTTP Basic, a client certificate, and the CA that signs
// the server's certificate.
type WSDLAuthConfig struct {
	Username     string `yaml:"username"`
	Password     string `yaml:"password"`
	PasswordFile string `yaml:"password_file"`
	CertFile     string `yaml:"cert_file"`
	KeyFile      string `yaml:"key_file"`
	CAFile       string `yaml:"ca_file"`
}

// client is the HTTP client and Basic credentials a WSDL is fetched with.
func (a *WSDLAuthConfig) client() (*http.Client, string, string, error) {
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsCfg, Proxy: http.ProxyFromEnvironment}}
	if a == nil {
		return client, "", "", nil
	}
	password := a.Password
	if a.PasswordFile != "" {
		data, err := os.ReadFile(a.PasswordFile)
		if err != nil {
			return nil, "", "", fmt.Errorf("password_file: %w", err)
		}
		password = strings.TrimRight(string(data), "\r\n")
	}
	if a.CertFile != "" || a.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(a.CertFile, a.KeyFile)
		if err != nil {
			return nil, "", "", fmt.Errorf("cert_file, key_file: %w", err)
		}
		tlsCfg.Certificates = []tls.Certificate{cert}
	}
	if a.CAFile != "" {
		pool, err := certpool.Load(a.CAFile)
		if err != nil {
			return nil, "", "", fmt.Errorf("ca_file: %w", err)
		}
		tlsCfg.RootCAs = pool
	}
	return client, a.Username, password, nil
}

type LimitsConfig struct {
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	MaxDepth     int   `yaml:"max_depth"`
	MaxMulticall int   `yaml:"max_multicall"`
	// Attributes and namespace declarations on one start tag: bounded so
	// that decoding a hostile tag stays cheap (xmltext's defaults).
	MaxAttributes int `yaml:"max_attributes"`
	MaxNamespaces int `yaml:"max_namespaces"`
	// ThrottleKeys bounds the failed-login counts a node keeps in memory,
	// per kind (usernames, addresses); Redis mode keeps them in Redis.
	ThrottleKeys int `yaml:"throttle_keys"`
}

// demoServices are the services of the embedded defaults: the demo's
// inventory, unless the binary is built without it (-tags nodemo).
var demoServices []ServiceConfig

// defaultConfig is the embedded default: the demo directory and inventory.
func defaultConfig() Config {
	return Config{
		Listen:     "127.0.0.1:8080",
		HTTPEngine: engineFastHTTP,
		Session:    SessionConfig{IdleTimeout: gateway.DefaultIdleTimeout, AbsoluteTimeout: gateway.DefaultAbsoluteTimeout, Store: "memory", RedisCache: true, MaxPerUser: gateway.DefaultMaxSessionsPerUser},
		LDAP:       LDAPConfig{UserFilter: ldapauth.DefaultUserFilter, GroupAttr: ldapauth.DefaultGroupAttr, Timeout: ldapauth.DefaultTimeout, PoolSize: ldapauth.DefaultPoolSize},
		Services:   demoServices, // the demo's, when it is built in (demo.go)
		Limits: LimitsConfig{MaxBodyBytes: httpx.DefaultMaxBodyBytes, MaxDepth: xmltext.DefaultMaxDepth, MaxMulticall: xmlrpc.DefaultMaxMulticall,
			MaxAttributes: xmltext.DefaultMaxAttrs, MaxNamespaces: xmltext.DefaultMaxNamespaces, ThrottleKeys: gateway.DefaultThrottleKeys},
	}
}

// loadConfig reads path over the defaults (an empty path: defaults only),
// then applies the environment overrides. Unknown keys are errors: a typo
// must not silently fall back to a default.
func loadConfig(path string, getenv func(string) string) (Config, Notes, error) {
	cfg := defaultConfig()
	var notes Notes
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return cfg, nil, err
		}
		cfg.Services = nil // a file that names services replaces the demo list
		if err := decodeConfig(data, &cfg); err != nil {
			return cfg, nil, fmt.Errorf("%s: %w", path, err)
		}
		if cfg.Services == nil {
			cfg.Services = defaultConfig().Services
		}
		notes = cfg.resolvePaths(filepath.Dir(path))
	}
	if v := getenv("GATEWAY_LISTEN"); v != "" {
		cfg.Listen = v
	}
	if v := getenv("GATEWAY_HTTP_ENGINE"); v != "" {
		cfg.HTTPEngine = v
	}
	if v := getenv("GATEWAY_LDAP_URLS"); v != "" {
		cfg.LDAP.URLs = nil
		for _, u := range strings.Split(v, ",") {
			if u = strings.TrimSpace(u); u != "" {
				cfg.LDAP.URLs = append(cfg.LDAP.URLs, u)
			}
		}
	}
	if v := getenv("GATEWAY_SESSION_STORE"); v != "" {
		cfg.Session.Store = v
	}
	if v := getenv("GATEWAY_REDIS_URL"); v != "" {
		cfg.Session.RedisURL = v
	}
	if cfg.LDAP.BindPasswordFile != "" {
		pw, err := os.ReadFile(cfg.LDAP.BindPasswordFile)
		if err != nil {
			return cfg, nil, fmt.Errorf("ldap.bind_password_file: %w", err)
		}
		cfg.LDAP.BindPassword = strings.TrimRight(string(pw), "\r\n")
	}
	return cfg, notes, nil
}

// resolvePaths makes every file a configuration names relative to the
// configuration file's folder, dir, so that a config means the same from
// any working directory. A relative path that is not there but is in the
// working directory (how configurations were read before) is kept, with a
// note saying so.
func (c *Config) resolvePaths(dir string) Notes {
	var notes Notes
	resolve := func(key string, p *string) {
		if *p == "" || filepath.IsAbs(*p) || strings.Contains(*p, "://") {
			return
		}
		beside := filepath.Join(dir, *p)
		if _, err := os.Stat(beside); err != nil {
			if _, err := os.Stat(*p); err == nil {
				notes = append(notes, fmt.Sprintf("%s: %q is not beside the configuration file (%s) but is in the working directory: used from there; write it relative to the configuration file", key, *p, dir))
				return
			}
		}
		*p = beside
	}
	resolve("tls.cert_file", &c.TLS.CertFile)
	resolve("tls.key_file", &c.TLS.KeyFile)
	resolve("tls.client_ca_file", &c.TLS.ClientCAFile)
	for i := range c.TLS.ClientCRLFiles {
		resolve(fmt.Sprintf("tls.client_crl_files[%d]", i), &c.TLS.ClientCRLFiles[i])
	}
	resolve("ldap.ca_file", &c.LDAP.CAFile)
	resolve("ldap.bind_password_file", &c.LDAP.BindPasswordFile)
	resolve("directory.ldif", &c.Directory.LDIF)
	resolve("portal.explorer_assets", &c.Portal.ExplorerAssets)
	resolve("oidc.ca_file", &c.OIDC.CAFile)
	resolve("kerberos.keytab", &c.Kerberos.Keytab)
	resolve("oidc.client_secret_file", &c.OIDC.ClientSecretFile)
	for i := range c.IdentityTokens.KeyFiles {
		resolve(fmt.Sprintf("identity_tokens.key_files[%d]", i), &c.IdentityTokens.KeyFiles[i])
	}
	for i := range c.Services {
		s := &c.Services[i]
		key := fmt.Sprintf("services[%d].", i)
		resolve(key+"wsdl", &s.WSDL)
		if a := s.WSDLAuth; a != nil {
			resolve(key+"wsdl_auth.password_file", &a.PasswordFile)
			resolve(key+"wsdl_auth.cert_file", &a.CertFile)
			resolve(key+"wsdl_auth.key_file", &a.KeyFile)
			resolve(key+"wsdl_auth.ca_file", &a.CAFile)
		}
		if s.Backend != nil {
			resolve(key+"backend.identity_secret_file", &s.Backend.SecretFile)
		}
	}
	return notes
}

// validate checks what can be checked without starting anything; each error
// names the key at fault.
func (c Config) validate() error {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("listen: %q is not host:port", c.Listen)
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("public_url: %q is not an http(s) URL", c.PublicURL)
		}
	}
	for _, p := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil {
			return fmt.Errorf("trusted_proxies: %q is not a CIDR", p)
		}
	}
	if err := c.TLS.validate(); err != nil {
		return err
	}
	if c.OIDC.Issuer != "" && len(c.OIDC.Audiences) == 0 {
		return errors.New("oidc.audiences: at least one (the client ID the provider puts in its tokens' aud)")
	}
	switch c.LDAP.Referrals {
	case "", "ignore", "follow":
	default:
		return fmt.Errorf("ldap.referrals: %q is not ignore or follow", c.LDAP.Referrals)
	}
	if c.Kerberos.Keytab == "" && (c.Kerberos.ServicePrincipal != "" || len(c.Kerberos.Realms) > 0) {
		return errors.New("kerberos.keytab: required with the other kerberos keys")
	}
	if c.OIDC.ClientID != "" && !slices.Contains(c.OIDC.Audiences, c.OIDC.ClientID) {
		return errors.New("oidc.client_id: must be one of oidc.audiences (the portal's ID tokens name it as their audience)")
	}
	if c.OIDC.ClientSecret != "" && c.OIDC.ClientSecretFile != "" {
		return errors.New("oidc.client_secret: set client_secret or client_secret_file, not both")
	}
	if c.OIDC.Issuer == "" && (len(c.OIDC.Audiences) > 0 || c.OIDC.Directory || c.OIDC.ClientID != "") {
		return errors.New("oidc.issuer: required with the other oidc keys")
	}
	if c.HTTPEngine != engineFastHTTP && c.HTTPEngine != engineNetHTTP {
		return fmt.Errorf("http_engine: %q is neither %q nor %q", c.HTTPEngine, engineFastHTTP, engineNetHTTP)
	}
	if c.Session.IdleTimeout <= 0 {
		return errors.New("session.idle_timeout: must be positive")
	}
	if c.Session.AbsoluteTimeout < c.Session.IdleTimeout {
		return errors.New("session.absolute_timeout: must not be shorter than idle_timeout")
	}
	switch c.Session.Store {
	case "memory":
	case "redis":
		if c.Session.RedisURL == "" {
			return errors.New("session.redis_url: required with session.store: redis")
		}
		if _, err := redisOptions(c.Session.RedisURL); err != nil {
			return err
		}
	default:
		return fmt.Errorf("session.store: %q is not memory or redis", c.Session.Store)
	}
	if c.LDAP.Timeout <= 0 {
		return errors.New("ldap.timeout: must be positive")
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			return fmt.Errorf("metrics_listen: %q is not host:port", c.MetricsListen)
		}
	}
	if c.Session.MaxPerUser <= 0 {
		return errors.New("session.max_per_user: must be positive")
	}
	if c.LDAP.PoolSize <= 0 {
		return errors.New("ldap.pool_size: must be positive")
	}
	if c.LDAP.GroupCacheTTL != nil && *c.LDAP.GroupCacheTTL < 0 {
		return errors.New("ldap.group_cache_ttl: must not be negative")
	}
	if c.LDAP.EntryCacheTTL != nil && *c.LDAP.EntryCacheTTL < 0 {
		return errors.New("ldap.entry_cache_ttl: must not be negative")
	}
	if len(c.LDAP.URLs) > 0 {
		if c.Directory.LDIF != "" {
			return errors.New("directory.ldif: only used without ldap.urls")
		}
		if err := c.LDAP.authorizerConfig().Validate(); err != nil {
			return err
		}
	}
	if c.Limits.MaxBodyBytes <= 0 || c.Limits.MaxDepth <= 0 || c.Limits.MaxMulticall <= 0 || c.Limits.MaxAttributes <= 0 || c.Limits.MaxNamespaces <= 0 || c.Limits.ThrottleKeys <= 0 {
		return errors.New("limits: every limit must be positive")
	}
	if len(c.Services) == 0 {
		if demoServices == nil {
			return errors.New("services: at least one service (this binary is built without the demo: give -config FILE naming your services)")
		}
		return errors.New("services: at least one service")
	}
	seen := map[string]bool{}
	for i, s := range c.Services {
		key := fmt.Sprintf("services[%d]", i)
		switch {
		case s.Name == "":
			return fmt.Errorf("%s.name: required", key)
		case s.Name == "session" || s.Name == "system":
			return fmt.Errorf("%s.name: %q is reserved", key, s.Name)
		case seen[s.Name]:
			return fmt.Errorf("%s.name: %q is defined twice", key, s.Name)
		case s.WSDL == "" && (s.Backend == nil || s.Backend.Kind != upstream.KindSOAP) && builtins[s.Builtin].definition == nil:
			return fmt.Errorf("%s.wsdl: required (only a soap backend's WSDL can be fetched from the upstream, and only a builtin's is built in)", key)
		case s.Builtin == "" && s.Backend == nil:
			return fmt.Errorf("%s: needs builtin or backend", key)
		case s.Builtin != "" && s.Backend != nil:
			return fmt.Errorf("%s: builtin and backend are exclusive", key)
		case s.Builtin != "" && builtins[s.Builtin].make == nil:
			return fmt.Errorf("%s.builtin: no built-in implementation %q", key, s.Builtin)
		}
		if s.Backend != nil {
			backend := *s.Backend
			if backend.IdentityToken {
				backend.Tokens = validatedIssuer{} // made at start; here only the rest is checked
				if c.Session.Store == "redis" && len(c.IdentityTokens.KeyFiles) == 0 {
					return fmt.Errorf("%s.backend.identity_token: with session.store redis, identity_tokens.key_files are needed (every node must publish the key that signed a token)", key)
				}
			}
			if err := backend.Validate(key+".backend", nil); err != nil {
				return err
			}
		}
		if _, _, _, err := s.WSDLAuth.client(); err != nil {
			return fmt.Errorf("%s.wsdl_auth.%w", key, err)
		}
		seen[s.Name] = true
	}
	return nil
}

// decodeConfig reads a YAML configuration into cfg. It first walks the
// document against the Config type, so that a mistake is named by its key
// path and said plainly (a typo'd key with the closest known one, a
// duration that is not one), rather than in the YAML library's terms of Go
// types; then it decodes.
func decodeConfig(data []byte, cfg *Config) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	if len(doc.Content) == 0 {
		return nil // an empty file
	}
	if err := checkNode(doc.Content[0], reflect.TypeOf(*cfg), ""); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

var durationType = reflect.TypeOf(time.Duration(0))

// checkNode checks a YAML node against the Go type it will be decoded
// into, naming the key path of the first mistake.
func checkNode(n *yaml.Node, t reflect.Type, path string) error {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Tag == "!!null" {
		return nil
	}
	at := func(format string, args ...any) error {
		where := path
		if where == "" {
			where = "the configuration"
		}
		return fmt.Errorf("%s (line %d): %s", where, n.Line, fmt.Sprintf(format, args...))
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType:
		if _, err := time.ParseDuration(n.Value); n.Kind != yaml.ScalarNode || err != nil {
			return at("%q is not a duration like 15m, 90s or 1h30m", n.Value)
		}
		return nil
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return at("a section of keys is due here, not %q", n.Value)
		}
		known := map[string]reflect.Type{}
		for i := range t.NumField() {
			f := t.Field(i)
			if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" {
				known[name] = f.Type
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i].Value, n.Content[i+1]
			ft, ok := known[key]
			if !ok {
				msg := fmt.Sprintf("%q is not a known key", key)
				if near := closest(key, known); near != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", near)
				}
				return fmt.Errorf("%s (line %d): %s", join(path, key), n.Content[i].Line, msg)
			}
			if err := checkNode(value, ft, join(path, key)); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if n.Kind == yaml.ScalarNode && t.Elem().Kind() == reflect.String {
				return at("a list is due here, like [%s]", n.Value)
			}
			return at("a list is due here")
		}
		for i, c := range n.Content {
			if err := checkNode(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Map:
		if n.Kind != yaml.MappingNode {
			return at("a section of keys is due here")
		}
	case t.Kind() == reflect.Int:
		var v int
		if n.Kind != yaml.ScalarNode || n.Decode(&v) != nil {
			return at("%q is not a whole number", n.Value)
		}
	case t.Kind() == reflect.Bool:
		var v bool
		if n.Kind != yaml.ScalarNode || n.Decode(&v) != nil {
			return at("%q is not true or false", n.Value)
		}
	case t.Kind() == reflect.String:
		if n.Kind != yaml.ScalarNode {
			return at("a single value is due here")
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// closest is the known key nearest to key (at most a third of its letters
// off), or "".
func closest(key string, known map[string]reflect.Type) string {
	best, bestDist := "", len(key)/3+1
	names := make([]string, 0, len(known))
	for name := range known {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if d := editDistance(strings.ToLower(key), name); d < bestDist {
			best, bestDist = name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// validatedIssuer stands for the identity token issuer while a
// configuration is checked, before one is made.
type validatedIssuer struct{}

func (validatedIssuer) Token(gateway.Identity, string) (string, error) {
	return "", errors.New("not started")
}

// identityTokensUsed reports whether a backend sends identity tokens (or
// the operator configured their keys, to publish them).
func (c Config) identityTokensUsed() bool {
	if len(c.IdentityTokens.KeyFiles) > 0 {
		return true
	}
	for _, s := range c.Services {
		if s.Backend != nil && s.Backend.IdentityToken {
			return true
		}
	}
	return false
}

package main

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"gateway/adapters/admin"
	"gateway/adapters/httpx"
	"gateway/adapters/idtoken"
	"gateway/adapters/jsonapi"
	"gateway/adapters/portal"
	"gateway/adapters/soap"
	"gateway/adapters/upstream"
	"gateway/adapters/xmlrpc"
	"gateway/gateway"
	"gateway/gateway/prommetrics"
	"gateway/gateway/redisstore"
	"gateway/kerberosauth"
	"gateway/ldapauth"
	"gateway/oidcauth"
	"gateway/wsdl"
)

// deps are what a built-in implementation may keep its state in.
type deps struct {
	redis  redis.UniversalClient // nil in memory mode
	tokens *idtoken.Issuer       // signs backends' identity tokens; nil when none sends them
}

// builtin is a Go implementation a service may name with builtin:, and
// the WSDL built into the binary with it (used when the service names no
// wsdl:), so that it runs from any folder. make gets the service's WSDL
// (its own, or the one the configuration names) to bind its methods to.
type builtin struct {
	make       func(context.Context, deps, *wsdl.Definition) (gateway.Implementation, error)
	definition func() (*wsdl.Definition, error)
}

// builtins are the Go implementations a service may name with builtin:,
// registered by registerBuiltin (the demo's in demo.go; a binary with
// services of its own registers them the same way, in a file of this
// package: see docs/adding-a-service.md).
var builtins = map[string]builtin{}

// registerBuiltin makes a Go implementation available under name. It is
// called from init functions only, before the gateway starts.
func registerBuiltin(name string, b builtin) {
	if _, dup := builtins[name]; dup {
		panic("builtin " + name + " registered twice")
	}
	builtins[name] = b
}

// app is the wired gateway.
type app struct {
	cfg       Config
	log       *slog.Logger
	core      *gateway.Core
	auth      atomic.Pointer[ldapauth.Authorizer] // replaced by a reload that changes the directory settings
	oidc      *oidcauth.Checker                   // bearer tokens from oidc.issuer; nil without one
	krb       *kerberosauth.Checker               // SPNEGO tickets with kerberos.keytab; nil without one
	directory *ldapauth.Directory                 // nil with a real directory
	// directoryConfig is the authorizer's configuration as built (with the
	// embedded directory's URL filled in).
	directoryConfig ldapauth.Config
	deps            deps
	soap            *soap.Handler
	// reloading serialises reloads (SIGHUP and the admin API).
	reloading sync.Mutex
	cfgPath   string
	getenv    func(string) string
	redis     redis.UniversalClient // nil in memory mode
	handler   http.Handler
	metrics   http.Handler // on its own listener when metrics_listen is set
}

// loadServices makes the services. A soap backend without a wsdl file has
// its WSDL fetched from the upstream's ?wsdl (when fetch is set); an
// upstream that cannot give it leaves its service out, logged, and the
// gateway starts with the others.
func loadServices(ctx context.Context, cfg Config, d deps, log *slog.Logger, fetch bool) ([]*gateway.Service, error) {
	var out []*gateway.Service
	for i, sc := range cfg.Services {
		key := fmt.Sprintf("services[%d]", i)
		def, err := serviceDefinition(ctx, key, sc, fetch)
		var fetchErr *upstreamWSDLError
		switch {
		case errors.As(err, &fetchErr):
			log.Error("service left out: its upstream's WSDL could not be fetched", "service", sc.Name, "err", fetchErr.err)
			continue
		case err != nil:
			return nil, err
		case def == nil:
			continue // not fetched
		}
		for _, w := range def.Warnings {
			log.Warn("wsdl: passed over", "service", sc.Name, "what", w)
		}
		svc := &gateway.Service{Name: sc.Name, Definition: def, AllowGroups: sc.AllowGroups}
		if sc.Backend != nil {
			bc := *sc.Backend
			if d.tokens != nil {
				bc.Tokens = d.tokens
			}
			if svc.Impl, err = upstream.New(sc.Name, def, bc, log); err != nil {
				return nil, err
			}
		} else {
			b, ok := builtins[sc.Builtin]
			if !ok {
				return nil, fmt.Errorf("%s.builtin: no built-in implementation %q", key, sc.Builtin)
			}
			if svc.Impl, err = b.make(ctx, d, def); err != nil {
				return nil, err
			}
		}
		out = append(out, svc)
	}
	return out, nil
}

// upstreamWSDLError is a soap backend's ?wsdl that could not be fetched:
// its service is left out, the others start.
type upstreamWSDLError struct{ err error }

func (e *upstreamWSDLError) Error() string { return "its upstream's WSDL: " + e.err.Error() }

// serviceDefinition loads a service's WSDL: a file, a URL, the builtin's
// own, or the soap upstream's ?wsdl. Without fetch, what would come from
// the network is (nil, nil).
func serviceDefinition(ctx context.Context, key string, sc ServiceConfig, fetch bool) (*wsdl.Definition, error) {
	switch {
	case strings.HasPrefix(sc.WSDL, "http://") || strings.HasPrefix(sc.WSDL, "https://"):
		if !fetch {
			return nil, nil
		}
		client, user, password, err := sc.WSDLAuth.client()
		if err != nil {
			return nil, fmt.Errorf("%s.wsdl_auth.%w", key, err)
		}
		def, err := wsdl.LoadURL(ctx, sc.WSDL, client, user, password)
		if err != nil {
			return nil, fmt.Errorf("%s.wsdl: %w", key, err)
		}
		return def, nil
	case sc.WSDL != "":
		def, err := wsdl.Load(sc.WSDL)
		if err != nil {
			return nil, fmt.Errorf("%s.wsdl: %w", key, err)
		}
		return def, nil
	case sc.Builtin != "" && builtins[sc.Builtin].definition != nil:
		def, err := builtins[sc.Builtin].definition()
		if err != nil {
			return nil, fmt.Errorf("%s.builtin: its WSDL: %w", key, err)
		}
		return def, nil
	case !fetch:
		return nil, nil
	}
	def, err := fetchWSDL(ctx, sc)
	if err != nil {
		return nil, &upstreamWSDLError{err}
	}
	return def, nil
}

// fetchWSDL gets a SOAP upstream's WSDL from its ?wsdl, with its imports,
// as the service's wsdl_auth allows.
func fetchWSDL(ctx context.Context, sc ServiceConfig) (*wsdl.Definition, error) {
	client, user, password, err := sc.WSDLAuth.client()
	if err != nil {
		return nil, err
	}
	client.Timeout = 10 * time.Second
	return wsdl.LoadURL(ctx, sc.Backend.URL+"?wsdl", client, user, password)
}

// DefaultGroupCacheTTL is how long a user's groups are reused by later
// logins unless ldap.group_cache_ttl says otherwise.
const DefaultGroupCacheTTL = time.Minute

// DefaultEntryCacheTTL is how long the entry a user's name found is reused
// by later logins unless ldap.entry_cache_ttl says otherwise: as long as
// the groups, so that what a returning user's login reads from the
// directory lags by one bound.
const DefaultEntryCacheTTL = time.Minute

func (c LDAPConfig) authorizerConfig() ldapauth.Config {
	out := ldapauth.Config{
		URLs: c.URLs, StartTLS: c.StartTLS, CAFile: c.CAFile, InsecureSkipVerify: c.InsecureSkipVerify,
		BindDN: c.BindDN, BindPassword: c.BindPassword, UserBase: c.UserBase, UserFilter: c.UserFilter, LoginAttr: c.LoginAttribute,
		GroupBase: c.GroupBase, GroupFilter: ldapauth.DefaultGroupFilter, GroupAttr: c.GroupAttr,
		Timeout: c.Timeout, PoolSize: c.PoolSize, GroupCacheTTL: DefaultGroupCacheTTL, EntryCacheTTL: DefaultEntryCacheTTL,
		CertRule: c.CertificateMap.Rule, CertAttr: c.CertificateMap.Attribute,
		NestedGroups: c.NestedGroups, NetBIOSDomain: c.NetBIOSDomain, FollowReferrals: c.Referrals == "follow",
		RangeStep: c.RangeStep,
	}
	if c.GroupFilter != nil {
		out.GroupFilter = *c.GroupFilter
	}
	if c.GroupCacheTTL != nil {
		out.GroupCacheTTL = *c.GroupCacheTTL
	}
	if c.EntryCacheTTL != nil {
		out.EntryCacheTTL = *c.EntryCacheTTL
	}
	return out
}

func build(ctx context.Context, cfg Config, log *slog.Logger) (*app, error) {
	a := &app{cfg: cfg, log: log}
	var d deps
	var sessions gateway.SessionStore = gateway.NewMemoryStore()
	var events gateway.EventLog = gateway.NewMemoryEventLog(0)
	var throttle gateway.Throttle = gateway.NewMemoryThrottle(cfg.Limits.ThrottleKeys, nil)
	if cfg.Session.Store == "redis" {
		opts, err := redisOptions(cfg.Session.RedisURL) // validated
		if err != nil {
			return nil, err
		}
		d.redis = newRedisClient(opts)
		a.redis = d.redis
		// Redis may be down at start: the node starts, /readyz says so, and
		// calls get Unavailable until it is back.
		redisSessions := redisstore.NewStore(d.redis)
		if cfg.Session.RedisCache {
			redisSessions.CacheSessions(ctx, log)
		}
		sessions = redisSessions
		redisEvents := redisstore.NewEventLog(ctx, d.redis, log)
		redisEvents.FeedTTL = cfg.Session.AbsoluteTimeout + time.Hour
		events = redisEvents
		throttle = redisstore.NewThrottle(d.redis)
		log.Info("sessions in Redis", "addrs", opts.Addrs)
	}
	if cfg.identityTokensUsed() {
		issuer := cfg.IdentityTokens.Issuer
		if issuer == "" {
			issuer = cfg.PublicURL
		}
		if issuer == "" {
			issuer = "http://" + cfg.Listen
		}
		tokens, err := idtoken.New(idtoken.Config{Issuer: issuer, KeyFiles: cfg.IdentityTokens.KeyFiles,
			TTL: cfg.IdentityTokens.TTL, Rotate: cfg.IdentityTokens.Rotate})
		if err != nil {
			return nil, err
		}
		d.tokens = tokens
	}
	services, err := loadServices(ctx, cfg, d, log, true)
	if err != nil {
		return nil, err
	}
	registry, err := gateway.NewRegistry(services...)
	if err != nil {
		return nil, err
	}
	lc := cfg.LDAP.authorizerConfig()
	if len(cfg.LDAP.URLs) == 0 {
		ldif := ldapauth.DemoLDIF
		if cfg.Directory.LDIF != "" {
			if ldif, err = os.ReadFile(cfg.Directory.LDIF); err != nil {
				return nil, fmt.Errorf("directory.ldif: %w", err)
			}
		}
		if a.directory, err = ldapauth.StartDirectory(ldif, log); err != nil {
			return nil, fmt.Errorf("directory.ldif: %w", err)
		}
		lc = a.directory.AuthorizerConfig(lc)
		if cfg.Directory.LDIF == "" {
			log.Warn("running on the built-in DEMO directory (alice, bob, carol with published passwords): set ldap.urls for a real directory",
				"url", a.directory.URL())
		} else {
			log.Info("embedded directory", "ldif", cfg.Directory.LDIF, "url", a.directory.URL())
		}
	}
	a.auth.Store(ldapauth.New(lc, log))
	a.deps, a.directoryConfig = d, lc
	if kc := cfg.Kerberos; kc.Keytab != "" {
		if a.krb, err = kerberosauth.New(kerberosauth.Config{Keytab: kc.Keytab, ServicePrincipal: kc.ServicePrincipal,
			Realms: kc.Realms, MaxClockSkew: kc.MaxClockSkew}, directoryLookup{a}, log); err != nil {
			return nil, err
		}
		if d.redis != nil {
			// Nodes on Redis refuse an authenticator any of them has seen.
			a.krb.ShareReplays(redisstore.NewReplayCache(d.redis))
		}
	}
	if oc := cfg.OIDC; oc.Issuer != "" {
		var dir oidcauth.Directory
		if oc.Directory {
			dir = directoryLookup{a}
		}
		if a.oidc, err = oidcauth.New(oidcauth.Config{Issuer: oc.Issuer, Audiences: oc.Audiences, UsernameClaim: oc.UsernameClaim,
			GroupsClaim: oc.GroupsClaim, CAFile: oc.CAFile, Timeout: oc.Timeout}, dir, log); err != nil {
			return nil, err
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.core = gateway.New(a.checkers(a.authorizer()), sessions, events, registry, log, gateway.Config{
		IdleTimeout: cfg.Session.IdleTimeout, AbsoluteTimeout: cfg.Session.AbsoluteTimeout,
		Metrics: prommetrics.New(reg), Throttle: throttle, MaxSessionsPerUser: cfg.Session.MaxPerUser,
	})
	prommetrics.RegisterSessionGauges(reg, a.core)
	ldapauth.RegisterMetrics(reg, a.authorizer)
	reg.MustRegister(upstreamCollector{a.core})
	var trusted []*net.IPNet
	for _, p := range cfg.TrustedProxies {
		_, n, _ := net.ParseCIDR(p) // validated
		trusted = append(trusted, n)
	}
	proxies := httpx.Proxies{Trusted: trusted}
	soapHandler, err := soap.New(a.core, soap.Options{
		MaxBodyBytes: cfg.Limits.MaxBodyBytes, MaxDepth: cfg.Limits.MaxDepth,
		MaxAttrs: cfg.Limits.MaxAttributes, MaxNamespaces: cfg.Limits.MaxNamespaces,
		PublicURL: cfg.PublicURL, Proxies: proxies, Log: log, Challenge: cfg.AuthChallenge.SOAP, Negotiate: cfg.Kerberos.Keytab != "",
	})
	if err != nil {
		return nil, err
	}
	xmlrpcHandler := xmlrpc.New(a.core, xmlrpc.Options{
		MaxBodyBytes: cfg.Limits.MaxBodyBytes, MaxDepth: cfg.Limits.MaxDepth, MaxMulticall: cfg.Limits.MaxMulticall,
		MaxAttrs: cfg.Limits.MaxAttributes,
		Remote:   proxies, Log: log, Challenge: cfg.AuthChallenge.XMLRPC, Negotiate: cfg.Kerberos.Keytab != "",
	})
	jsonHandler := jsonapi.New(a.core, jsonapi.Options{MaxBodyBytes: cfg.Limits.MaxBodyBytes, MaxDepth: cfg.Limits.MaxDepth,
		PublicURL: cfg.PublicURL, Proxies: proxies, Log: log, Negotiate: cfg.Kerberos.Keytab != ""})
	mux := http.NewServeMux()
	mux.Handle("/xmlrpc", xmlrpcHandler)
	mux.Handle("/soap/", soapHandler)
	a.soap = soapHandler
	var explorer fs.FS
	if dir := a.cfg.Portal.ExplorerAssets; dir != "" {
		explorer = os.DirFS(dir)
	}
	var sso portal.SSO
	if a.oidc != nil && cfg.OIDC.ClientID != "" {
		secret := cfg.OIDC.ClientSecret
		if cfg.OIDC.ClientSecretFile != "" {
			b, err := os.ReadFile(cfg.OIDC.ClientSecretFile)
			if err != nil {
				return nil, fmt.Errorf("oidc.client_secret_file: %w", err)
			}
			secret = strings.TrimRight(string(b), "\r\n")
		}
		scopes := cfg.OIDC.Scopes
		if scopes == nil {
			scopes = []string{"profile", "email"}
		}
		sso = portalSSO{a.oidc, oidcauth.Client{ID: cfg.OIDC.ClientID, Secret: secret, Scopes: scopes}}
	}
	portalHandler, err := portal.New(a.core, portal.Options{Proxies: proxies, Log: log, Explorer: explorer, SSO: sso, PublicURL: cfg.PublicURL})
	if err != nil {
		return nil, err
	}
	mux.Handle("/portal/", portalHandler)
	if a.deps.tokens != nil {
		mux.Handle("GET "+idtoken.JWKSPath, a.deps.tokens)
	}
	mux.Handle("/api/", jsonHandler)
	mux.Handle("/admin/api/", admin.New(a.core, admin.Options{Reload: a.reload, Proxies: proxies, Log: log}))
	mux.Handle("GET /{$}", http.RedirectHandler("/portal/", http.StatusSeeOther))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", a.readyz)
	a.metrics = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	if cfg.MetricsListen == "" {
		mux.Handle("GET /metrics", a.metrics)
	}
	a.handler = withRequestID(requireClientCert(cfg.TLS.ClientCertPaths, &apiRoutes{xmlrpc: xmlrpcHandler, soap: soapHandler, json: jsonHandler, mux: mux}))
	return a, nil
}

// apiRoutes sends the API front ends' calls straight to their handlers,
// and every other request through the mux. ServeMux's matching (its tree
// of patterns, path cleaning, method and host checks) was 2-6% of an API
// call's CPU in process (BenchmarkAppGetItem); for the paths taken here the
// mux would choose the same handler: "/xmlrpc", "/soap/" and "/api/" are
// registered for every method and host, and a path that the mux would
// clean and redirect, or whose escaped form differs (%2F), goes to the
// mux as before.
type apiRoutes struct {
	xmlrpc, soap, json http.Handler
	mux                *http.ServeMux
}

func (rt *apiRoutes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; r.Method != http.MethodConnect && r.URL.RawPath == "" && isCleanPath(p) {
		switch {
		case p == "/xmlrpc":
			rt.xmlrpc.ServeHTTP(w, r)
			return
		case strings.HasPrefix(p, "/soap/"):
			rt.soap.ServeHTTP(w, r)
			return
		case strings.HasPrefix(p, "/api/"):
			rt.json.ServeHTTP(w, r)
			return
		}
	}
	rt.mux.ServeHTTP(w, r)
}

// isCleanPath reports whether the mux would take p as it is: no empty,
// "." or ".." segment (path.Clean keeps it, but for a trailing slash).
func isCleanPath(p string) bool {
	if strings.HasPrefix(p, "/") && !strings.Contains(p, "//") && !strings.Contains(p, "/.") {
		return true // no empty segment, and none that starts with a dot
	}
	c := path.Clean(p)
	return c == p || strings.HasSuffix(p, "/") && len(c)+1 == len(p) && p[:len(c)] == c
}

// withRequestID gives every request an ID: the caller's X-Request-ID when it
// is a sane one, else a new one. It is echoed in the response, carried in the
// context to every log line of the call and sent on to upstreams.
func withRequestID(next http.Handler) http.Handler {
	ids := newRequestIDs()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The new ID's buffer and the header's value slice share one
		// allocation.
		scope := new(struct {
			buf    idBuffer
			header [1]string
		})
		id := httpx.HeaderValue(r, "X-Request-Id") // X-Request-ID's canonical key
		if !saneRequestID(id) {
			id = ids.next(&scope.buf)
		}
		scope.header[0] = id
		w.Header()["X-Request-Id"] = scope.header[:]
		if len(r.TransferEncoding) > 0 {
			// net/http drops the Content-Length of a request that also has
			// Transfer-Encoding before any handler sees it, so the two
			// cannot be told apart here: the connection of every chunked
			// request is closed after its response, as RFC 9112 asks for
			// the ambiguous one (a proxy in front may have read the body
			// by its Content-Length: what follows is not to be trusted).
			w.Header().Set("Connection", "close")
		}
		if gateway.SetRequestID(r.Context(), id) {
			next.ServeHTTP(w, r) // the engine's reused context (fastserve)
			return
		}
		next.ServeHTTP(w, r.WithContext(gateway.WithRequestID(r.Context(), id)))
	})
}

// requestIDs makes request IDs of 32 hex digits: a counter enciphered
// with AES under a key drawn once per process. They are unique (a block
// cipher is a permutation) without a system call per request, and, unlike
// the counter, tell nobody how many requests a node has served or when it
// started.
type requestIDs struct {
	block cipher.Block
	n     atomic.Uint64
}

func newRequestIDs() *requestIDs {
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err) // a 16-byte key is always accepted
	}
	return &requestIDs{block: block}
}

// idBuffer holds a request ID as it is made: the enciphered block, then
// its hex digits, which the ID's string is over.
type idBuffer [aes.BlockSize + 2*aes.BlockSize]byte

// next is a new ID made in buf, which the caller never writes again (the ID
// is a string over its digits). An array on the stack would escape through
// cipher.Block's interface call anyway.
func (g *requestIDs) next(buf *idBuffer) string {
	block, digits := buf[:aes.BlockSize], buf[aes.BlockSize:]
	binary.BigEndian.PutUint64(block[8:], g.n.Add(1))
	g.block.Encrypt(block, block)
	hex.Encode(digits, block)
	return unsafe.String(&digits[0], len(digits))
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// readyz reports whether the directory and the session store answer.
func (a *app) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	status := map[string]any{"directory": "up", "sessions": "up"}
	code := http.StatusOK
	if err := a.authorizer().Ready(ctx); err != nil {
		status["directory"] = "down"
		code = http.StatusServiceUnavailable
	}
	if err := a.core.StoreReady(ctx); err != nil {
		status["sessions"] = "down"
		code = http.StatusServiceUnavailable
	}
	// An upstream that is down takes its own service down, not the node:
	// readiness names it but stays 200 for the others' sake.
	backends := map[string]string{}
	for _, svc := range a.core.Services().Services() {
		if b, ok := svc.Impl.(*upstream.Backend); ok {
			state := "up"
			if err := b.Ready(ctx); err != nil {
				state = "down"
			}
			backends[svc.Name] = state + " (breaker " + b.State() + ")"
		}
	}
	for _, sc := range a.cfg.Services {
		if a.core.Services().Service(sc.Name) == nil {
			backends[sc.Name] = "down (WSDL not fetched at start)"
		}
	}
	if len(backends) > 0 {
		status["backends"] = backends
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(status)
}

func (a *app) banner(w io.Writer, addr string, tls bool) {
	scheme := "http"
	if tls {
		scheme = "https"
	}
	base := fmt.Sprintf("%s://%s", scheme, addr)
	fmt.Fprintf(w, "gateway listening on %s\n", base)
	fmt.Fprintf(w, "  XML-RPC   POST %s/xmlrpc\n", base)
	fmt.Fprintf(w, "  SOAP      POST %s/soap/{service}   WSDL %s/soap/{service}?wsdl   session %s/soap/session?wsdl\n", base, base, base)
	fmt.Fprintf(w, "  portal    %s/portal/\n", base)
	metrics := base + "/metrics"
	if a.cfg.MetricsListen != "" {
		metrics = "http://" + a.cfg.MetricsListen + "/metrics"
	}
	fmt.Fprintf(w, "  health    %s/healthz   %s/readyz   %s\n", base, base, metrics)
	inventory := false
	for _, s := range a.core.Services().Services() {
		who := "every signed-in user"
		if len(s.AllowGroups) > 0 {
			who = "groups " + strings.Join(s.AllowGroups, ", ")
		}
		fmt.Fprintf(w, "  service   %s (%d operations, %s)\n", s.Name, len(s.Definition.Operations), who)
		inventory = inventory || s.Name == "inventory"
	}
	switch {
	case a.directory != nil && a.cfg.Directory.LDIF == "":
		fmt.Fprintln(w, "  directory built-in demo, NOT for production; its users:")
		fmt.Fprintln(w, "    alice / wonderland   groups staff, admins")
		fmt.Fprintln(w, "    bob   / builder      group staff")
		if inventory {
			fmt.Fprintln(w, "    carol / carol-pass   no group (may log in, may not use inventory)")
		} else {
			fmt.Fprintln(w, "    carol / carol-pass   no group")
		}
	case a.directory != nil:
		fmt.Fprintf(w, "  directory embedded, from %s\n", a.cfg.Directory.LDIF)
	default:
		fmt.Fprintf(w, "  directory %s\n", strings.Join(a.cfg.LDAP.URLs, ", "))
	}
	fmt.Fprintf(w, "  sessions  %s\n", a.cfg.Session.Store)
}

// authorizer is the authorizer in service.
func (a *app) authorizer() *ldapauth.Authorizer { return a.auth.Load() }

// checkers is the core's authorizer: the directory checks passwords and
// certificates; with oidc, the provider's checker takes bearer tokens.
func (a *app) checkers(dir *ldapauth.Authorizer) gateway.Authorizer {
	if a.oidc == nil && a.krb == nil {
		return dir
	}
	c := gateway.Checkers{gateway.AuthPassword: dir, gateway.AuthCertificate: dir}
	if a.oidc != nil {
		c[gateway.AuthToken] = a.oidc
	}
	if a.krb != nil {
		c[gateway.AuthNegotiate] = a.krb
	}
	return c
}

// portalSSO is the portal's sign-in at the OpenID provider.
type portalSSO struct {
	checker *oidcauth.Checker
	client  oidcauth.Client
}

func (s portalSSO) Start(r *http.Request, redirectURL string) (string, portal.SSOFlow, error) {
	u, f, err := s.checker.Start(r.Context(), s.client, redirectURL)
	return u, portal.SSOFlow{State: f.State, Verifier: f.Verifier, Nonce: f.Nonce}, err
}

func (s portalSSO) Finish(r *http.Request, redirectURL, code string, f portal.SSOFlow) (gateway.Credentials, error) {
	return s.checker.Finish(r.Context(), s.client, redirectURL, code, oidcauth.Flow{State: f.State, Verifier: f.Verifier, Nonce: f.Nonce})
}

// directoryLookup finds a token's user in the directory the gateway runs
// with now (a reload may replace it).
type directoryLookup struct{ a *app }

func (d directoryLookup) LookupIdentity(ctx context.Context, username string) (gateway.Identity, error) {
	return d.a.authorizer().LookupIdentity(ctx, username)
}

func (a *app) close() {
	a.authorizer().Close()
	if a.redis != nil {
		_ = a.redis.Close()
	}
	if a.directory != nil {
		_ = a.directory.Stop()
	}
}

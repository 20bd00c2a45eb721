package gateway

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"gateway/wsdl"
)

// Default session timeouts of the contract.
const (
	DefaultIdleTimeout     = 15 * time.Minute
	DefaultAbsoluteTimeout = 12 * time.Hour
)

// Config tunes the core.
type Config struct {
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	Now             func() time.Time // for tests; time.Now when nil
	Metrics         Metrics          // nil: not counted (NopMetrics)
	// Throttle counts failed logins; nil: a MemoryThrottle of this node.
	Throttle Throttle
	// MaxSessionsPerUser bounds one user's live sessions
	// (DefaultMaxSessionsPerUser when 0): a login past it detaches the
	// user's oldest session with reason evicted.
	MaxSessionsPerUser int
	// MaxCredentialSessions bounds the sessions of per-call credentials
	// remembered by this node (DefaultMaxCredentialSessions when 0).
	MaxCredentialSessions int
}

// Defaults of Config.
const (
	DefaultMaxSessionsPerUser    = 50
	DefaultMaxCredentialSessions = 100_000
)

// Core is the gateway's centre (cred's Portal): it turns credentials into
// sessions, tokens into perspectives, and dispatches operations. Protocol
// adapters talk to it and to nothing else of the gateway.
type Core struct {
	// auth and services may be replaced while the core runs (a reload):
	// each call reads them once.
	auth     atomic.Pointer[authorizerBox]
	sessions SessionStore
	events   EventLog
	services atomic.Pointer[Registry]
	// sessionDef is the session service's WSDL (sessionservice.go).
	sessionDef *wsdl.Definition
	log        *slog.Logger
	idle       time.Duration
	absolute   time.Duration
	now        func() time.Time

	// Per-call credentials (HTTP Basic, WS-Security) of one (user, protocol,
	// password) share one session. The cache key is an HMAC under a key that
	// lives only in this process, so the cache never holds a password or a
	// plain hash of one.
	credKey   []byte
	credMu    sync.Mutex
	credToken map[string]credSession // cache key -> its session
	credOf    map[string]string      // client ID -> cache key
	credGroup singleflight.Group

	credMax int

	throttle    Throttle
	maxSessions int
	metrics     Metrics

	// draining ends when the node shuts down, releasing long-polls at once.
	draining context.Context
	drain    context.CancelFunc
}

// New wires a core. log receives the audit lines.
func New(auth Authorizer, sessions SessionStore, events EventLog, services *Registry, log *slog.Logger, cfg Config) *Core {
	c := &Core{
		sessions: sessions, events: events, log: log,
		idle: cfg.IdleTimeout, absolute: cfg.AbsoluteTimeout, now: cfg.Now,
		credKey: make([]byte, 32), credToken: make(map[string]credSession), credOf: make(map[string]string),
		credMax: cfg.MaxCredentialSessions, throttle: cfg.Throttle, maxSessions: cfg.MaxSessionsPerUser,
	}
	if c.credMax <= 0 {
		c.credMax = DefaultMaxCredentialSessions
	}
	if c.maxSessions <= 0 {
		c.maxSessions = DefaultMaxSessionsPerUser
	}
	if c.idle <= 0 {
		c.idle = DefaultIdleTimeout
	}
	if c.absolute <= 0 {
		c.absolute = DefaultAbsoluteTimeout
	}
	if c.now == nil {
		c.now = time.Now
	}
	_, _ = rand.Read(c.credKey)
	if c.throttle == nil {
		c.throttle = NewMemoryThrottle(0, c.now)
	}
	c.metrics = cfg.Metrics
	if c.metrics == nil {
		c.metrics = NopMetrics{}
	}
	c.draining, c.drain = context.WithCancel(context.Background())
	c.auth.Store(&authorizerBox{auth})
	c.sessionDef = loadSessionDefinition()
	c.services.Store(services)
	return c
}

// authorizerBox holds an Authorizer for an atomic pointer.
type authorizerBox struct{ Authorizer }

// Reconfigure replaces the services and the authorizer (a reload): calls
// under way finish with what they started with, the next ones use the new
// ones; sessions and perspectives are untouched. A nil argument keeps
// what is there. It returns the authorizer it replaced, for the caller to
// close.
func (c *Core) Reconfigure(services *Registry, auth Authorizer) (replaced Authorizer) {
	if services != nil {
		c.services.Store(services)
	}
	if auth != nil {
		replaced = c.auth.Swap(&authorizerBox{auth}).Authorizer
	}
	return replaced
}

// Drain releases every waiting long-poll (with no events) and makes new ones
// return at once: the node is shutting down.
func (c *Core) Drain() { c.drain() }

// Metrics is where the front ends count their calls.
func (c *Core) Metrics() Metrics { return c.metrics }

// Authorizer is the authorizer in service.
func (c *Core) Authorizer() Authorizer { return c.auth.Load().Authorizer }

// Services is the registry the core dispatches to.
func (c *Core) Services() *Registry { return c.services.Load() }

// IdleTimeout is the configured idle timeout.
func (c *Core) IdleTimeout() time.Duration { return c.idle }

// Login authenticates creds and attaches a new client with a new token.
// The token is returned only here: the store keeps its hash.
func (c *Core) Login(ctx context.Context, creds Credentials, client ClientInfo) (string, *Session, error) {
	id, err := c.authenticate(ctx, creds, client)
	if err != nil {
		return "", nil, err
	}
	return c.open(ctx, id, creds, client)
}

// authenticate checks creds (the login throttle first) and returns the
// identity, its username folded: the perspective's key is the directory's
// name for the user, never what was typed.
func (c *Core) authenticate(ctx context.Context, creds Credentials, client ClientInfo) (Identity, error) {
	name := creds.Name()
	blocked, err := c.throttle.Blocked(ctx, name, client.Remote)
	if err != nil {
		c.log.WarnContext(ctx, "login throttle unavailable", "err", err)
	}
	if blocked {
		c.metrics.Login("throttled")
		c.log.WarnContext(ctx, "login throttled", "audit", "login_throttled", "user", safeUser(name),
			"protocol", client.Protocol, "remote", client.Remote)
		return Identity{}, NewFault(FaultTooManyRequests, "too many failed logins: wait a few minutes")
	}
	id, err := c.auth.Load().Authenticate(ctx, creds)
	if err != nil {
		f := AsFault(err)
		if f.Kind == FaultInternal {
			f = WrapFault(FaultUnavailable, err, "directory unavailable")
		}
		if f.Kind == FaultUnauthenticated {
			if err := c.throttle.Failed(ctx, name, client.Remote); err != nil {
				c.log.WarnContext(ctx, "login throttle unavailable", "err", err)
			}
		}
		c.metrics.Login(strings.ToLower(f.Kind.String()))
		c.log.WarnContext(ctx, "login failed", "audit", "login_failure", "user", safeUser(name),
			"auth", creds.Kind(), "protocol", client.Protocol, "remote", client.Remote, "reason", f.Kind.String(), "err", err)
		return Identity{}, f
	}
	id.Username = CanonicalUsername(id.Username)
	_ = c.throttle.Succeeded(ctx, name)
	c.metrics.Login("success")
	return id, nil
}

// open attaches a new client of id with a new token.
func (c *Core) open(ctx context.Context, id Identity, creds Credentials, client ClientInfo) (string, *Session, error) {
	now := c.now()
	token := NewToken()
	if client.ID == "" {
		client.ID = newClientID()
	}
	client.AttachedAt = now
	client.Auth = creds.Kind()
	s := &Session{
		TokenHash: HashToken(token), Identity: id, Client: client,
		CreatedAt: now, LastSeen: now, IdleExpiry: now.Add(c.idle), Deadline: now.Add(c.absolute),
	}
	if !creds.Expires.IsZero() && creds.Expires.Before(s.Deadline) {
		s.Deadline = creds.Expires // a bearer token's session ends with the token
	}
	if err := c.sessions.Create(ctx, s); err != nil {
		return "", nil, WrapFault(FaultUnavailable, err, "session store unavailable")
	}
	c.log.InfoContext(ctx, "login", "audit", "login_success", "user", id.Username, "auth", client.Auth, "protocol", client.Protocol,
		"remote", client.Remote, "client", client.ID)
	c.attached(ctx, s)
	c.evictOldest(ctx, id.Username)
	return token, s, nil
}

// ChangePassword changes a user's password with the current one (through
// the authorizer, when it can), under the login throttle: a wrong current
// password counts as a failed login.
func (c *Core) ChangePassword(ctx context.Context, username, oldPassword, newPassword string, client ClientInfo) error {
	pc, ok := c.auth.Load().Authorizer.(PasswordChanger)
	if !ok {
		return NewFault(FaultForbidden, "passwords cannot be changed here")
	}
	if blocked, _ := c.throttle.Blocked(ctx, username, client.Remote); blocked {
		return NewFault(FaultTooManyRequests, "too many failed logins: wait a few minutes")
	}
	err := pc.ChangePassword(ctx, username, oldPassword, newPassword)
	f := AsFault(err)
	switch {
	case err == nil:
		c.log.InfoContext(ctx, "password changed", "audit", "password_change", "user", safeUser(username), "protocol", client.Protocol, "remote", client.Remote)
		return nil
	case f.Kind == FaultUnauthenticated:
		_ = c.throttle.Failed(ctx, username, client.Remote)
	}
	c.log.WarnContext(ctx, "password change refused", "audit", "password_change_failure", "user", safeUser(username),
		"protocol", client.Protocol, "remote", client.Remote, "reason", f.Kind.String(), "err", err)
	return f
}

// evictOldest detaches the user's oldest sessions past maxSessions: a
// client that logs in in a loop cannot fill the store.
func (c *Core) evictOldest(ctx context.Context, user string) {
	if o, ok := c.sessions.(overflowLister); ok {
		ids, err := o.OldestBeyond(ctx, user, c.maxSessions)
		if err != nil {
			return
		}
		for _, id := range ids {
			_ = c.Detach(ctx, id, ReasonEvicted)
		}
		return
	}
	all, err := c.sessions.ByUser(ctx, user)
	if err != nil {
		return
	}
	for _, id := range OldestIDs(all, c.maxSessions) {
		_ = c.Detach(ctx, id, ReasonEvicted)
	}
}

// OldestIDs is the client IDs of the sessions other than the newest
// keep, oldest first (sessions is reordered): for stores that list a
// user's sessions to answer overflowLister.
func OldestIDs(sessions []*Session, keep int) []string {
	if len(sessions) <= keep {
		return nil
	}
	slices.SortFunc(sessions, func(a, b *Session) int { return a.CreatedAt.Compare(b.CreatedAt) })
	ids := make([]string, 0, len(sessions)-keep)
	for _, s := range sessions[:len(sessions)-keep] {
		ids = append(ids, s.Client.ID)
	}
	return ids
}

// safeUser keeps a typed username fit for a log line.
func safeUser(u string) string {
	if len(u) > 64 {
		u = u[:64] + "..."
	}
	return strings.ToValidUTF8(u, "?")
}

// Resume finds the live session of a token and marks it used: the call
// resumes that session. (Credentials are checked by the Authorizer, at
// Login and CredentialSession.)
func (c *Core) Resume(ctx context.Context, token string) (*Session, error) {
	if token == "" {
		return nil, NewFault(FaultUnauthenticated, "no session: log in first")
	}
	s, expired, err := c.sessions.Touch(ctx, HashToken(token), c.now(), c.idle)
	switch {
	case errors.Is(err, ErrNoSession):
		return nil, NewFault(FaultUnauthenticated, "unknown or expired session")
	case err != nil:
		return nil, WrapFault(FaultUnavailable, err, "session store unavailable")
	case expired != "":
		c.detached(ctx, s, expired)
		return nil, NewFault(FaultUnauthenticated, "session expired")
	}
	return s, nil
}

// CredentialSession returns the session of per-call credentials, logging in
// only when this (user, protocol, password) has no live session yet.
func (c *Core) CredentialSession(ctx context.Context, creds Credentials, client ClientInfo) (*Session, error) {
	mac := hmac.New(sha256.New, c.credKey)
	switch {
	case creds.Certificate != nil:
		// A certificate's session is keyed by the certificate itself: the
		// same certificate on the same front end meets the same session.
		fmt.Fprintf(mac, "%s\x00cert\x00", client.Protocol)
		mac.Write(creds.Certificate.Raw)
	case len(creds.Negotiate) > 0:
		return c.negotiateSession(ctx, creds, client)
	case creds.Bearer != "":
		// Keyed by the token itself: the exp the front end read from it is
		// the one the checker verified when the token first logged in.
		if !creds.Expires.IsZero() && !c.now().Before(creds.Expires) {
			return nil, NewFault(FaultUnauthenticated, "the bearer token has expired")
		}
		fmt.Fprintf(mac, "%s\x00bearer\x00%s", client.Protocol, creds.Bearer)
	case creds.Username == "" || creds.Password == "":
		return nil, NewFault(FaultUnauthenticated, "empty username or password")
	default:
		fmt.Fprintf(mac, "%s\x00%s\x00%s", client.Protocol, creds.Username, creds.Password)
	}
	key := hex.EncodeToString(mac.Sum(nil))
	return c.cachedSession(ctx, key, func() (string, *Session, error) { return c.Login(ctx, creds, client) })
}

// negotiateSession is CredentialSession for a Kerberos (SPNEGO) token:
// every call's token is a new authenticator, checked every time (replays
// are refused by the checker), and the calls of one principal on one front
// end share a session.
func (c *Core) negotiateSession(ctx context.Context, creds Credentials, client ClientInfo) (*Session, error) {
	id, err := c.authenticate(ctx, creds, client)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, c.credKey)
	fmt.Fprintf(mac, "%s\x00negotiate\x00%s", client.Protocol, id.Username)
	key := hex.EncodeToString(mac.Sum(nil))
	return c.cachedSession(ctx, key, func() (string, *Session, error) { return c.open(ctx, id, creds, client) })
}

// cachedSession is the live session of a credential cache key, or the one
// login makes (one login for concurrent first calls with the same key).
func (c *Core) cachedSession(ctx context.Context, key string, login func() (string, *Session, error)) (*Session, error) {
	if s := c.cachedCredential(ctx, key); s != nil {
		return s, nil
	}
	v, err, _ := c.credGroup.Do(key, func() (any, error) {
		if s := c.cachedCredential(ctx, key); s != nil {
			return s, nil
		}
		token, s, err := login()
		if err != nil {
			return nil, err
		}
		c.credMu.Lock()
		for k, old := range c.credToken { // at the bound, forget one (its session lives on)
			if len(c.credToken) < c.credMax {
				break
			}
			delete(c.credToken, k)
			delete(c.credOf, old.client)
		}
		c.credToken[key] = credSession{token: token, client: s.Client.ID, user: s.Identity.Username}
		c.credOf[s.Client.ID] = key
		c.credMu.Unlock()
		return s, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Session), nil
}

// cachedCredential is the live session of a credential cache key, or nil.
func (c *Core) cachedCredential(ctx context.Context, key string) *Session {
	c.credMu.Lock()
	cs, ok := c.credToken[key]
	c.credMu.Unlock()
	if !ok {
		return nil
	}
	s, err := c.Resume(ctx, cs.token)
	if err != nil {
		// Gone (perhaps swept by another node, which could not tell this
		// one): forget it here too.
		c.forgetCredential(cs.client)
		return nil
	}
	return s
}

// credSession is a remembered session of per-call credentials.
type credSession struct{ token, client, user string }

// credPruneBatch bounds the cached credentials one prune looks at.
const credPruneBatch = 256

// pruneCredentials forgets cached credentials whose sessions are gone from
// the store (detached on another node), looking at up to n of them: one
// ByUser per user among them.
func (c *Core) pruneCredentials(ctx context.Context, n int) {
	byUser := map[string][]string{} // user -> cached client IDs
	c.credMu.Lock()
	for _, cs := range c.credToken {
		if n == 0 {
			break
		}
		n--
		byUser[cs.user] = append(byUser[cs.user], cs.client)
	}
	c.credMu.Unlock()
	for user, clients := range byUser {
		live, err := c.sessions.ByUser(ctx, user)
		if err != nil {
			return // the store is away: try again next time
		}
		for _, id := range clients {
			if !slices.ContainsFunc(live, func(s *Session) bool { return s.Client.ID == id }) {
				c.forgetCredential(id)
			}
		}
	}
}

// CachedCredentials is how many per-call credentials the cache holds.
func (c *Core) CachedCredentials() int {
	c.credMu.Lock()
	defer c.credMu.Unlock()
	return len(c.credToken)
}

func (c *Core) forgetCredential(clientID string) {
	c.credMu.Lock()
	defer c.credMu.Unlock()
	if key, ok := c.credOf[clientID]; ok {
		delete(c.credOf, clientID)
		delete(c.credToken, key)
	}
}

// Perspective is the perspective of a session's identity.
func (c *Core) Perspective(s *Session) *Perspective {
	return &Perspective{core: c, Identity: s.Identity}
}

// Logout detaches the session's client; a second logout finds nothing.
func (c *Core) Logout(ctx context.Context, s *Session) error {
	return c.Detach(ctx, s.Client.ID, ReasonLogout)
}

// Detach ends the session of a client for reason (logout, forced). It raises
// detached only if this call is the one that removed the session.
func (c *Core) Detach(ctx context.Context, clientID string, reason DetachReason) error {
	s, err := c.sessions.Remove(ctx, clientID)
	if errors.Is(err, ErrNoSession) {
		return NewFault(FaultUnauthenticated, "no such session")
	}
	if err != nil {
		return WrapFault(FaultUnavailable, err, "session store unavailable")
	}
	c.detached(ctx, s, reason)
	return nil
}

// Sessions lists every live session (for admins).
func (c *Core) Sessions(ctx context.Context) ([]*Session, error) {
	return c.sessions.All(ctx)
}

func (c *Core) attached(ctx context.Context, s *Session) {
	p := c.Perspective(s)
	if _, err := c.events.Append(ctx, s.Identity.Username, Event{Kind: EventAttached, Client: s.Client, At: c.now()}); err != nil {
		c.log.ErrorContext(ctx, "event feed", "err", err)
	} else {
		c.metrics.Event(EventAttached)
	}
	c.log.InfoContext(ctx, "attach", "audit", "attach", "user", s.Identity.Username, "client", s.Client.ID, "protocol", s.Client.Protocol)
	for _, svc := range c.Services().Services() {
		if h, ok := svc.Impl.(ClientHooks); ok {
			c.safely(ctx, "attached hook", func() { h.Attached(ctx, p, s.Client) })
		}
	}
}

// detached runs once per session, by whoever removed it from the store.
func (c *Core) detached(ctx context.Context, s *Session, reason DetachReason) {
	ctx = context.WithoutCancel(ctx) // a detach must be told even if the caller left
	c.forgetCredential(s.Client.ID)
	if ev, err := c.events.Append(ctx, s.Identity.Username, Event{Kind: EventDetached, Client: s.Client, At: c.now(), Reason: reason}); err != nil {
		c.log.ErrorContext(ctx, "event feed", "err", err)
	} else {
		c.metrics.Event(EventDetached)
		if r, ok := c.events.(FeedReleaser); ok {
			if left, err := c.countSessions(ctx, s.Identity.Username); err == nil && left == 0 {
				r.Release(s.Identity.Username, ev.Seq)
			}
		}
	}
	c.log.InfoContext(ctx, "detach", "audit", "detach", "user", s.Identity.Username, "client", s.Client.ID,
		"protocol", s.Client.Protocol, "reason", string(reason))
	p := c.Perspective(s)
	for _, svc := range c.Services().Services() {
		if h, ok := svc.Impl.(ClientHooks); ok {
			c.safely(ctx, "detached hook", func() { h.Detached(ctx, p, s.Client, reason) })
		}
	}
}

// countSessions is how many sessions user has.
func (c *Core) countSessions(ctx context.Context, user string) (int, error) {
	if uc, ok := c.sessions.(userCounter); ok {
		return uc.CountByUser(ctx, user)
	}
	all, err := c.sessions.ByUser(ctx, user)
	return len(all), err
}

func (c *Core) safely(ctx context.Context, what string, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			c.log.ErrorContext(ctx, "panic in "+what, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	fn()
}

// Invoke authorizes and checks a call, then runs it. A panic in the
// implementation becomes an Internal fault; the process stays up.
func (c *Core) Invoke(ctx context.Context, s *Session, svc *Service, op *wsdl.Operation, params Struct) (Struct, error) {
	return invoke(c, ctx, s, svc, op, params, svc.Impl.Invoke)
}

// InvokeWalked is Invoke for a front end that writes results through a
// ValueWriter: an implementation that answers with walkable results
// (xmlbind's typed operations) hands its result back as it made it, with no
// neutral values in between; any other's Struct comes back as a result that
// walks it.
func (c *Core) InvokeWalked(ctx context.Context, s *Session, svc *Service, op *wsdl.Operation, params Struct) (Result, error) {
	if wi, ok := svc.Impl.(WalkingImplementation); ok {
		return invoke(c, ctx, s, svc, op, params, wi.InvokeWalked)
	}
	st, err := c.Invoke(ctx, s, svc, op, params)
	if err != nil {
		return nil, err
	}
	return StructResult(st), nil
}

// invoke is Invoke and InvokeWalked: it authorizes and checks a call, then
// runs it with do.
func invoke[R any](c *Core, ctx context.Context, s *Session, svc *Service, op *wsdl.Operation, params Struct, do func(context.Context, *Call) (R, error)) (result R, err error) {
	var none R
	if !s.Identity.InAnyGroup(svc.AllowGroups) {
		return none, NewFault(FaultForbidden, "user %s may not use service %s", s.Identity.Username, svc.Name)
	}
	params, headers := SplitHeaders(params)
	checked, err := CheckInput(op.Input, params)
	if err != nil {
		return none, err
	}
	checkedHeaders, err := CheckHeaders(op.InputHeaders, headers)
	if err != nil {
		return none, err
	}
	defer func() {
		if r := recover(); r != nil {
			c.log.ErrorContext(ctx, "panic in operation", "service", svc.Name, "operation", op.Name, "panic", r, "stack", string(debug.Stack()))
			result, err = none, NewFault(FaultInternal, "internal error")
		}
	}()
	// The call and its perspective are made in one allocation.
	cp := &callAndPerspective{
		call:        Call{Service: svc, Operation: op, Params: checked, Headers: checkedHeaders, Client: s.Client},
		perspective: Perspective{core: c, Identity: s.Identity},
	}
	cp.call.Perspective = &cp.perspective
	result, err = do(ctx, &cp.call)
	if err != nil {
		f := AsFault(err)
		if f.Kind == FaultInternal {
			c.log.ErrorContext(ctx, "operation failed", "service", svc.Name, "operation", op.Name, "err", err)
		}
		return none, f
	}
	return result, nil
}

// callAndPerspective is what Invoke hands an implementation.
type callAndPerspective struct {
	call        Call
	perspective Perspective
}

// Sweep detaches every expired session once; Run calls it periodically.
func (c *Core) Sweep(ctx context.Context) {
	now := c.now()
	expired, err := c.sessions.Expire(ctx, now)
	if err != nil {
		c.log.ErrorContext(ctx, "session sweep", "err", err)
		return
	}
	for _, s := range expired {
		c.detached(ctx, s, s.ExpiryReason(now))
	}
}

// SweepInterval is how often Run sweeps: a tenth of the idle timeout, kept
// between 100ms and 30s, so an idle session is detached within 10% of its time.
func (c *Core) SweepInterval() time.Duration {
	return min(max(c.idle/10, 100*time.Millisecond), 30*time.Second)
}

// Run sweeps expired sessions until ctx ends. With a shared store a node
// sweeps what its lease gives it (all, a share, or nothing); a lease
// outlives three sweeps, so a dead node's sessions are swept by another
// within that time.
func (c *Core) Run(ctx context.Context) {
	t := time.NewTicker(c.SweepInterval())
	defer t.Stop()
	shared, isShared := c.sessions.(SharedStore)
	node := newClientID()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if isShared {
				// Sessions another node swept or forced out leave this
				// node's credential cache by this pass, not only when
				// their credentials come again.
				c.pruneCredentials(ctx, credPruneBatch)
				held, err := shared.Lease(ctx, node, 3*c.SweepInterval())
				if err != nil || !held {
					continue
				}
			}
			c.Sweep(ctx)
		}
	}
}

// SharedSessions reports whether sessions belong to a cluster (and so
// survive this node's shutdown).
func (c *Core) SharedSessions() bool {
	_, ok := c.sessions.(SharedStore)
	return ok
}

// StoreReady reports whether the session store answers.
func (c *Core) StoreReady(ctx context.Context) error {
	if r, ok := c.sessions.(ReadinessChecker); ok {
		return r.Ready(ctx)
	}
	return nil
}

// DetachAll ends every session with reason (shutdown of a single node).
func (c *Core) DetachAll(ctx context.Context, reason DetachReason) {
	all, err := c.sessions.All(ctx)
	if err != nil {
		c.log.ErrorContext(ctx, "detach all", "err", err)
		return
	}
	for _, s := range all {
		_ = c.Detach(ctx, s.Client.ID, reason)
	}
}

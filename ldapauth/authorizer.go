package ldapauth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/prometheus/client_golang/prometheus"

	"gateway/gateway"
)

// maxUsernameLen bounds what is sent to the directory at all.
const maxUsernameLen = 256

// maxCachedEntries bounds the entry cache (entry_cache_ttl); the group
// cache holds up to 10,000 users.
const maxCachedEntries = 1_000

// Authorizer authenticates by searching for the user's entry (as the service
// account or anonymously), then binding as that entry with the password.
//
// Searches and user binds use separate pools: a search connection stays
// bound as the service account, and a bind connection's identity does not
// matter after its bind, so no login ever needs a rebind round trip.
type Authorizer struct {
	latency *prometheus.HistogramVec // directory request latency by operation
	cfg     Config
	search  *pool
	binds   *pool
	log     *slog.Logger
	invalid *gateway.Fault
	groups  *ttlCache[[]string]  // a user's groups, by DN (group_cache_ttl)
	entries *ttlCache[userEntry] // a user's entry, by the name typed (entry_cache_ttl)
	// noSuchUser is the DN bound as for a username the search did not find.
	noSuchUser string
}

var _ gateway.Authorizer = (*Authorizer)(nil)

// New returns an authorizer; cfg must have passed Validate. No connection is
// made until the first login (a directory down at start does not stop the
// gateway; /readyz reports it).
func New(cfg Config, log *slog.Logger) *Authorizer {
	cfg = cfg.withDefaults()
	h := newHealth(log)
	a := &Authorizer{
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gateway_ldap_request_duration_seconds", Help: "Directory requests (search, bind) by operation and outcome.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"operation", "outcome"}),
		cfg: cfg, log: log,
		invalid: gateway.NewFault(gateway.FaultUnauthenticated, "invalid username or password"),
		groups:  newTTLCache[[]string](cfg.GroupCacheTTL, 10_000, time.Now),
		// Entries are larger than group lists (a DN, attributes), and
		// their gain is for the users who come back within the TTL (a
		// client sending credentials with every call, a busy person), so
		// the bound is lower: what the gateway keeps of departed users
		// stays small (conformance/hostile's TestDepartedUsersLeaveLittle).
		entries: newTTLCache[userEntry](cfg.EntryCacheTTL, maxCachedEntries, time.Now),
		// A value no real entry has; escaped as any DN value must be.
		noSuchUser: "cn=" + ldap.EscapeDN("gateway no such user "+newNonce()) + "," + cfg.UserBase,
	}
	a.search, a.binds = newPool(cfg, true, h), newPool(cfg, false, h)
	return a
}

// URLStatus is what a probe found of one directory URL.
type URLStatus struct {
	URL   string
	Err   error  // nil: reachable (and, with a service account, bound)
	Cause string // Cause(Err) when Err is set
}

// Probe dials each directory URL once (with StartTLS and the service
// account's bind as configured), for a check before start: unlike a login,
// it does not stop at the first URL that answers.
func (a *Authorizer) Probe(ctx context.Context) []URLStatus {
	out := make([]URLStatus, 0, len(a.cfg.URLs))
	for _, raw := range a.cfg.URLs {
		c, err := a.search.dialOne(ctx, raw)
		if err == nil {
			// A server that takes the connection must also answer: read
			// the root DSE (an LDAP error is an answer; silence is not).
			_, err = c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
				"(objectClass=*)", []string{"1.1"}, nil))
			if err != nil && !isNetwork(err) {
				err = nil
			}
			c.Close()
		}
		st := URLStatus{URL: raw, Err: err}
		if err != nil {
			st.Cause = Cause(err)
		}
		out = append(out, st)
	}
	return out
}

// Authenticate implements gateway.Authorizer.
func (a *Authorizer) Authenticate(ctx context.Context, creds gateway.Credentials) (gateway.Identity, error) {
	switch creds.Kind() {
	case gateway.AuthCertificate:
		return a.certificateIdentity(ctx, creds.Certificate)
	case gateway.AuthPassword:
	default: // a bearer or Kerberos token, with no checker of its own configured
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "this gateway does not take %s credentials", creds.Kind())
	}
	username, ok := a.withoutDomain(strings.TrimSpace(creds.Username))
	if !ok {
		return gateway.Identity{}, a.invalid
	}
	// Refused before the wire: an empty password would be an unauthenticated
	// bind, which many directories accept as success.
	if username == "" || creds.Password == "" || len(username) > maxUsernameLen || len(creds.Password) > 1024 {
		return gateway.Identity{}, a.invalid
	}
	if entry, ok := a.entries.get(username); ok {
		err := a.bindAt(ctx, entry.origin, entry.DN, creds.Password)
		if err == nil {
			return a.identityOf(ctx, entry.Entry, username)
		}
		if !errors.Is(err, a.invalid) {
			return gateway.Identity{}, err
		}
		// Refused: a wrong password, or an entry renamed or removed since
		// it was remembered. Search afresh, and bind again only if the
		// user is now another entry: a wrong password is bound once, as
		// without the cache (a password policy counts one failure).
		fresh, err := a.findUser(ctx, username)
		if err != nil {
			return gateway.Identity{}, err
		}
		a.remember(username, fresh)
		if fresh.DN == entry.DN && fresh.origin == entry.origin {
			return gateway.Identity{}, a.invalid
		}
		return a.bindEntry(ctx, fresh, username, creds.Password)
	}
	entry, err := a.findUser(ctx, username)
	if errors.Is(err, a.invalid) {
		// No such user: bind anyway, as a name that cannot exist, so that
		// an unknown username costs the directory (and the caller's clock)
		// the same round trip as a wrong password.
		_ = a.bindAs(ctx, a.noSuchUser, creds.Password)
		return gateway.Identity{}, a.invalid
	}
	if err != nil {
		return gateway.Identity{}, err
	}
	a.remember(username, entry)
	return a.bindEntry(ctx, entry, username, creds.Password)
}

// remember keeps entry for later logins by the name typed, when the entry
// cache is on (the trimmed copy is not made for nothing when it is off).
func (a *Authorizer) remember(typed string, entry userEntry) {
	if a.cfg.EntryCacheTTL > 0 {
		a.entries.put(typed, entry.remembered())
	}
}

// bindEntry checks password with a bind as entry and returns its identity.
func (a *Authorizer) bindEntry(ctx context.Context, entry userEntry, typed, password string) (gateway.Identity, error) {
	if err := a.bindAt(ctx, entry.origin, entry.DN, password); err != nil {
		return gateway.Identity{}, err
	}
	return a.identityOf(ctx, entry.Entry, typed)
}

// withoutDomain removes the DOMAIN\ of a down-level logon name
// (GW\alice) when DOMAIN is the configured NetBIOS domain; a name with
// another domain's prefix is not ours (false).
func (a *Authorizer) withoutDomain(username string) (string, bool) {
	domain, name, ok := strings.Cut(username, `\`)
	if !ok || a.cfg.NetBIOSDomain == "" {
		return username, true
	}
	if !strings.EqualFold(domain, a.cfg.NetBIOSDomain) {
		return "", false
	}
	return name, true
}

// identityOf is the identity of a user's entry: its login name (matching
// what was typed, if anything was), display name and groups.
func (a *Authorizer) identityOf(ctx context.Context, entry *ldap.Entry, typed string) (gateway.Identity, error) {
	username := a.loginName(entry, typed)
	groups, err := a.userGroups(ctx, username, entry)
	if err != nil {
		return gateway.Identity{}, err
	}
	display := entry.GetAttributeValue("displayName")
	if display == "" {
		display = entry.GetAttributeValue("cn")
	}
	if display == "" {
		display = username
	}
	return gateway.Identity{Username: username, DN: entry.DN, DisplayName: display, Groups: groups}, nil
}

// loginName is the username as the directory holds it: the login
// attribute's value that matches what was typed once both are folded (an
// attribute may hold several), else its first value; with no login
// attribute, the value of the entry's first RDN. The core folds its case.
func (a *Authorizer) loginName(entry *ldap.Entry, typed string) string {
	values := entry.GetAttributeValues(a.cfg.LoginAttr)
	want := gateway.CanonicalUsername(typed)
	for _, v := range values {
		if gateway.CanonicalUsername(v) == want {
			return v
		}
	}
	if len(values) > 0 {
		return values[0]
	}
	if dn, err := ldap.ParseDN(entry.DN); err == nil && len(dn.RDNs) > 0 && len(dn.RDNs[0].Attributes) > 0 {
		return dn.RDNs[0].Attributes[0].Value
	}
	return entry.DN
}

func newNonce() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RegisterMetrics exports the directory's request latency and its pools' use.
func (a *Authorizer) RegisterMetrics(reg prometheus.Registerer) {
	RegisterMetrics(reg, func() *Authorizer { return a })
}

// RegisterMetrics registers the directory metrics of whichever authorizer
// current returns at each scrape (a reload may replace it with its
// Successor, which counts into the same histogram).
func RegisterMetrics(reg prometheus.Registerer, current func() *Authorizer) {
	reg.MustRegister(current().latency)
	for _, name := range []string{"search", "bind"} {
		pool := func() *pool {
			if a := current(); name == "search" {
				return a.search
			} else {
				return a.binds
			}
		}
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "gateway_ldap_pool_in_use", Help: "Directory connections in use, by pool.", ConstLabels: prometheus.Labels{"pool": name},
		}, func() float64 { return float64(len(pool().slots)) }))
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "gateway_ldap_pool_idle", Help: "Idle directory connections, by pool.", ConstLabels: prometheus.Labels{"pool": name},
		}, func() float64 { return float64(len(pool().idle)) }))
	}
}

// Successor is a new authorizer for cfg (a reloaded configuration) that
// counts into a's metrics. a keeps serving the logins under way; Close it
// once the successor is in place.
func (a *Authorizer) Successor(cfg Config, log *slog.Logger) *Authorizer {
	next := New(cfg, log)
	next.latency = a.latency
	return next
}

// Close hangs up the pooled connections.
func (a *Authorizer) Close() {
	a.search.close()
	a.binds.close()
}

// Ready dials the directory and runs a trivial search.
func (a *Authorizer) Ready(ctx context.Context) error {
	return a.withConn(ctx, a.search, func(c *ldap.Conn) error {
		_, err := c.Search(ldap.NewSearchRequest(a.cfg.UserBase, ldap.ScopeBaseObject, ldap.NeverDerefAliases,
			1, 0, false, "(objectClass=*)", []string{"1.1"}, nil))
		return err
	})
}

// userAttrs are the attributes a login reads from the user's entry.
func (a *Authorizer) userAttrs() []string {
	attrs := []string{"displayName", "cn", a.memberOfAttr()}
	if a.cfg.LoginAttr != "" {
		attrs = append(attrs, a.cfg.LoginAttr)
	}
	return attrs
}

// userEntry is a user's entry and where it was found: origin is the
// server a followed referral led to ("" for the configured directory),
// which is where the user's bind must go.
type userEntry struct {
	*ldap.Entry
	origin string
}

// remembered is e as the entry cache keeps it: its values as strings only.
// go-ldap also keeps each value as bytes, slices of the answer's packet,
// which would keep the whole packet alive; no login reads them.
func (e userEntry) remembered() userEntry {
	out := &ldap.Entry{DN: e.DN, Attributes: make([]*ldap.EntryAttribute, len(e.Attributes))}
	for i, at := range e.Attributes {
		out.Attributes[i] = &ldap.EntryAttribute{Name: at.Name, Values: at.Values}
	}
	return userEntry{Entry: out, origin: e.origin}
}

func (a *Authorizer) findUser(ctx context.Context, username string, extraAttrs ...string) (userEntry, error) {
	filter := strings.ReplaceAll(a.cfg.UserFilter, "{username}", ldap.EscapeFilter(username))
	return a.searchOne(ctx, filter, username, extraAttrs...)
}

// searchOne finds the one entry under the user base that filter matches;
// no entry, or more than one, is the same answer as a bad password. With
// ldap.referrals: follow, the continuation references the search returns
// (a subtree held by another server) are searched too.
func (a *Authorizer) searchOne(ctx context.Context, filter, username string, extraAttrs ...string) (userEntry, error) {
	attrs := append(a.userAttrs(), extraAttrs...)
	var res *ldap.SearchResult
	err := a.withConn(ctx, a.search, func(c *ldap.Conn) error {
		var err error
		res, err = c.Search(ldap.NewSearchRequest(a.cfg.UserBase, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
			2, timeLimit(ctx, a.cfg.Timeout), false, filter, attrs, nil))
		return err
	})
	if ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		a.log.Warn("ldap: more than one entry matches the user filter; refusing", "user", username)
		return userEntry{}, a.invalid
	}
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		a.log.Error("ldap: user_base does not exist", "user_base", a.cfg.UserBase)
		return userEntry{}, gateway.WrapFault(gateway.FaultUnavailable, err, "directory unavailable")
	}
	if err != nil {
		return userEntry{}, classify(err)
	}
	found := make([]userEntry, 0, len(res.Entries))
	for _, e := range res.Entries {
		found = append(found, userEntry{Entry: e})
	}
	if len(res.Referrals) > 0 {
		if !a.cfg.FollowReferrals {
			a.log.Debug("ldap: referrals not followed (ldap.referrals)", "referrals", strings.Join(res.Referrals, " "))
		} else {
			for _, ref := range res.Referrals {
				more, err := a.searchReferral(ctx, ref, filter, attrs)
				if err != nil {
					a.log.Warn("ldap: a referral could not be followed", "referral", ref, "err", err)
					return userEntry{}, gateway.WrapFault(gateway.FaultUnavailable, err, "directory unavailable")
				}
				found = append(found, more...)
			}
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return userEntry{}, a.invalid // the same answer as a bad password: no user enumeration
	default:
		a.log.Warn("ldap: more than one entry matches the user filter; refusing", "user", username)
		return userEntry{}, a.invalid
	}
}

func (a *Authorizer) bindAs(ctx context.Context, dn, password string) error {
	return a.bindAt(ctx, "", dn, password)
}

// bindAt binds as dn on the configured directory, or on origin (a server
// a referral led to).
func (a *Authorizer) bindAt(ctx context.Context, origin, dn, password string) error {
	var policy *ldap.ControlBeheraPasswordPolicy
	err := a.onServer(ctx, origin, a.binds, func(c *ldap.Conn) error {
		// The password policy control (draft-behera, OpenLDAP's ppolicy)
		// says why a bind failed, or that it succeeded with a password
		// that must be changed; a directory without it ignores it.
		res, err := c.SimpleBind(&ldap.SimpleBindRequest{Username: dn, Password: password,
			Controls: []ldap.Control{ldap.NewControlBeheraPasswordPolicy()}})
		if res != nil {
			policy, _ = ldap.FindControl(res.Controls, ldap.ControlTypeBeheraPasswordPolicy).(*ldap.ControlBeheraPasswordPolicy)
		}
		return err
	})
	if f := accountState(err, policy); f != nil {
		a.log.Warn("ldap: a bind refused for the account's state", "dn", dn, "state", f.Kind.String(), "detail", f.Message)
		return f
	}
	if err != nil {
		if f := classify(err); f.Kind != gateway.FaultUnauthenticated {
			return f
		}
		return a.invalid
	}
	return nil
}

// userGroups is the user's groups: from the entry's memberOf, or a group
// search (remembered for group_cache_ttl).
func (a *Authorizer) userGroups(ctx context.Context, username string, entry *ldap.Entry) ([]string, error) {
	if a.cfg.GroupFilter == "" {
		return a.groupSearch(ctx, username, entry)
	}
	if groups, ok := a.groups.get(entry.DN); ok {
		return groups, nil
	}
	groups, err := a.groupSearch(ctx, username, entry)
	if err == nil {
		a.groups.put(entry.DN, groups)
	}
	return groups, err
}

func (a *Authorizer) groupSearch(ctx context.Context, username string, entry *ldap.Entry) ([]string, error) {
	var direct []group
	parents := func(ctx context.Context, dn string) ([]group, error) { return a.groupsOf(ctx, dn, "") }
	if a.cfg.GroupFilter == "" {
		// The entry's memberOf (OpenLDAP's memberof overlay, AD); a group's
		// own memberOf gives the groups it is in.
		dns, err := a.allValues(ctx, entry, "memberOf")
		if err != nil {
			return nil, err
		}
		direct = groupsFromDNs(dns)
		parents = a.memberOf
	} else {
		var err error
		if direct, err = a.groupsOf(ctx, entry.DN, username); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(direct))
	for _, g := range direct {
		names = append(names, g.name)
	}
	if !a.cfg.NestedGroups {
		return names, nil
	}
	// The groups of the groups, breadth first: for directories without
	// AD's LDAP_MATCHING_RULE_IN_CHAIN (OpenLDAP). A group met twice (a
	// cycle, or two paths) is searched once; the depth is bounded.
	seen := map[string]bool{}
	for _, g := range direct {
		seen[strings.ToLower(g.dn)] = true
	}
	level := direct
	for depth := 1; depth <= maxGroupDepth && len(level) > 0; depth++ {
		var next []group
		for _, g := range level {
			up, err := parents(ctx, g.dn)
			if err != nil {
				return nil, err
			}
			for _, p := range up {
				if key := strings.ToLower(p.dn); !seen[key] {
					seen[key] = true
					next = append(next, p)
					names = append(names, p.name)
				}
			}
		}
		if depth == maxGroupDepth && len(next) > 0 {
			a.log.Warn("ldap: nested groups deeper than the bound; the rest are left out", "user", username, "depth", maxGroupDepth)
		}
		level = next
	}
	return names, nil
}

// groupsFromDNs names groups by their DNs' first RDN value.
func groupsFromDNs(dns []string) []group {
	var out []group
	for _, dn := range dns {
		if parsed, err := ldap.ParseDN(dn); err == nil && len(parsed.RDNs) > 0 && len(parsed.RDNs[0].Attributes) > 0 {
			out = append(out, group{dn: dn, name: parsed.RDNs[0].Attributes[0].Value})
		}
	}
	return out
}

// memberOf is the groups an entry (a group) is in, by its memberOf.
func (a *Authorizer) memberOf(ctx context.Context, dn string) ([]group, error) {
	var res *ldap.SearchResult
	err := a.withConn(ctx, a.search, func(c *ldap.Conn) error {
		var err error
		res, err = c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases,
			1, timeLimit(ctx, a.cfg.Timeout), false, "(objectClass=*)", []string{a.memberOfAttr()}, nil))
		return err
	})
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return nil, nil // a memberOf value naming a group that is gone
	}
	if err != nil {
		return nil, classify(err)
	}
	if len(res.Entries) == 0 {
		return nil, nil
	}
	dns, err := a.allValues(ctx, res.Entries[0], "memberOf")
	if err != nil {
		return nil, err
	}
	return groupsFromDNs(dns), nil
}

// maxGroupDepth bounds the nested group walk.
const maxGroupDepth = 8

// group is a group entry found by the group filter.
type group struct{ dn, name string }

// groupsOf runs the group filter for a member DN (a user's, or a group's
// when nested groups are walked), with paged results so that a member of
// more groups than the server's page size gets them all.
func (a *Authorizer) groupsOf(ctx context.Context, memberDN, username string) ([]group, error) {
	filter := strings.NewReplacer("{dn}", ldap.EscapeFilter(memberDN), "{username}", ldap.EscapeFilter(username)).Replace(a.cfg.GroupFilter)
	var res *ldap.SearchResult
	err := a.withConn(ctx, a.search, func(c *ldap.Conn) error {
		var err error
		res, err = c.SearchWithPaging(ldap.NewSearchRequest(a.cfg.GroupBase, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
			0, timeLimit(ctx, a.cfg.Timeout), false, filter, []string{a.cfg.GroupAttr}, nil), groupPageSize)
		return err
	})
	if err != nil {
		return nil, classify(err)
	}
	entries := res.Entries
	if len(res.Referrals) > 0 {
		if !a.cfg.FollowReferrals {
			a.log.Debug("ldap: a group search's referrals not followed (ldap.referrals)", "referrals", strings.Join(res.Referrals, " "))
		} else {
			more, err := a.groupsReferred(ctx, res.Referrals, filter)
			if err != nil {
				return nil, err
			}
			entries = append(entries, more...)
		}
	}
	out := make([]group, 0, len(entries))
	for _, e := range entries {
		if v := e.GetAttributeValue(a.cfg.GroupAttr); v != "" {
			out = append(out, group{dn: e.DN, name: v})
		}
	}
	return out, nil
}

// groupPageSize is the page of a group search (AD's MaxPageSize is 1000).
const groupPageSize = 500

// withConn runs op on a pooled connection. A connection that fails on the
// wire (the server restarted, a proxy cut it) is dropped and op is tried once
// more on a fresh one, so a directory that comes back is used at once.
func (a *Authorizer) withConn(ctx context.Context, p *pool, op func(*ldap.Conn) error) (err error) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout*2)
	defer cancel()
	start := time.Now()
	defer func() {
		kind := "search"
		if p == a.binds {
			kind = "bind"
		}
		outcome := "ok"
		if err != nil {
			outcome = classify(err).Kind.String()
		}
		a.latency.WithLabelValues(kind, outcome).Observe(time.Since(start).Seconds())
	}()
	for attempt := 0; attempt < 2; attempt++ {
		var c *ldap.Conn
		if c, err = p.get(ctx); err != nil {
			return err
		}
		c.SetTimeout(requestTimeout(ctx, a.cfg.Timeout))
		err = op(c)
		broken := isNetwork(err)
		p.used(c, err, broken)
		p.put(c, broken)
		if !broken {
			return err
		}
	}
	return err
}

func isNetwork(err error) bool {
	if err == nil {
		return false
	}
	var ne net.Error
	return ldap.IsErrorAnyOf(err, ldap.ErrorNetwork, ldap.LDAPResultServerDown, ldap.LDAPResultConnectError) ||
		errors.As(err, &ne)
}

// classify turns a directory error into a fault: refused credentials are
// Unauthenticated; everything else means the directory cannot answer now.
func classify(err error) *gateway.Fault {
	var f *gateway.Fault
	if errors.As(err, &f) {
		return f
	}
	if ldap.IsErrorAnyOf(err, ldap.LDAPResultInvalidCredentials, ldap.LDAPResultUnwillingToPerform,
		ldap.LDAPResultInappropriateAuthentication, ldap.LDAPResultConstraintViolation) {
		return gateway.WrapFault(gateway.FaultUnauthenticated, err, "invalid username or password")
	}
	return unavailable(err)
}

func unavailable(err error) *gateway.Fault {
	return gateway.WrapFault(gateway.FaultUnavailable, err, "directory unavailable")
}

// requestTimeout is the configured timeout, or less if ctx ends sooner.
func requestTimeout(ctx context.Context, d time.Duration) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); left < d {
			return max(left, time.Millisecond)
		}
	}
	return d
}

// timeLimit is the server-side search time limit, in whole seconds.
func timeLimit(ctx context.Context, d time.Duration) int {
	return max(int(requestTimeout(ctx, d)/time.Second), 1)
}

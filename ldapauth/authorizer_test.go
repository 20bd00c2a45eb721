package ldapauth_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/prometheus/client_golang/prometheus"

	"gateway/gateway"
	"gateway/ldapauth"
	"gateway/ldapauth/slapdtest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// directory is one directory the suite runs against.
type directory struct {
	name string
	cfg  ldapauth.Config // URLs and bases filled in
}

// testData is the demo directory plus two more entries: a service account
// and a user whose uid would match a wildcard, to prove filters are escaped.
var testData = append(append([]byte{}, ldapauth.DemoLDIF...), []byte(slapdtest.ReaderLDIF+`
dn: uid=a*b,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: a*b
cn: Star
sn: Star
userPassword: star-pass
`)...)

func baseConfig() ldapauth.Config {
	return ldapauth.Config{
		UserBase: "ou=people,dc=example,dc=org", UserFilter: "(uid={username})",
		GroupBase: "ou=groups,dc=example,dc=org", GroupFilter: "(member={dn})", GroupAttr: "cn",
		Timeout: 2 * time.Second, PoolSize: 4,
	}
}

func directories(t *testing.T) []directory {
	slapd := slapdtest.Start(t, testData, nil)
	embedded, err := ldapauth.StartDirectory(testData, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = embedded.Stop() })
	withURL := func(u string) ldapauth.Config { c := baseConfig(); c.URLs = []string{u}; return c }
	return []directory{{"slapd", withURL(slapd.URL)}, {"embedded", withURL(embedded.URL())}}
}

func TestAuthenticate(t *testing.T) {
	for _, d := range directories(t) {
		t.Run(d.name, func(t *testing.T) {
			for _, account := range []struct{ name, dn, password string }{{"anonymous", "", ""}, {"service account", slapdtest.ReaderDN, slapdtest.ReaderPassword}} {
				t.Run(account.name, func(t *testing.T) {
					cfg := d.cfg
					cfg.BindDN, cfg.BindPassword = account.dn, account.password
					if err := cfg.Validate(); err != nil {
						t.Fatal(err)
					}
					a := ldapauth.New(cfg, quiet)
					defer a.Close()
					runSuite(t, a)
				})
			}
		})
	}
}

func runSuite(t *testing.T, a *ldapauth.Authorizer) {
	ctx := context.Background()
	id, err := a.Authenticate(ctx, gateway.Credentials{Username: "alice", Password: "wonderland"})
	if err != nil {
		t.Fatalf("alice: %v", err)
	}
	if id.Username != "alice" || id.DN != "uid=alice,ou=people,dc=example,dc=org" || id.DisplayName != "Alice Liddell" {
		t.Errorf("alice identity = %+v", id)
	}
	slices.Sort(id.Groups)
	if !slices.Equal(id.Groups, []string{"admins", "staff"}) {
		t.Errorf("alice is in two groups, got %v", id.Groups)
	}
	bob, err := a.Authenticate(ctx, gateway.Credentials{Username: "bob", Password: "builder"})
	if err != nil || !slices.Equal(bob.Groups, []string{"staff"}) {
		t.Errorf("bob: %+v, %v", bob, err)
	}
	carol, err := a.Authenticate(ctx, gateway.Credentials{Username: "carol", Password: "carol-pass"})
	if err != nil || len(carol.Groups) != 0 {
		t.Errorf("carol: %+v, %v", carol, err)
	}
	refused := []struct{ name, user, password string }{
		{"wrong password", "alice", "nope"},
		{"unknown user", "mallory", "wonderland"},
		{"empty password", "alice", ""},
		{"wildcard username", "*", "wonderland"},
		{"filter injection", "alice)(uid=*", "wonderland"},
		{"injection with own password", "a*)(|(uid=*", "star-pass"},
		{"NUL in username", "a\x00b", "wonderland"},
		{"long password", "alice", string(make([]byte, 10240))},
	}
	for _, c := range refused {
		_, err := a.Authenticate(ctx, gateway.Credentials{Username: c.user, Password: c.password})
		if !errors.Is(err, gateway.ErrUnauthenticated) {
			t.Errorf("%s: want Unauthenticated, got %v", c.name, err)
		}
	}
	// The literal uid "a*b" logs in: the * was escaped, not a wildcard.
	if _, err := a.Authenticate(ctx, gateway.Credentials{Username: "a*b", Password: "star-pass"}); err != nil {
		t.Errorf("uid a*b: %v", err)
	}
	if err := a.Ready(ctx); err != nil {
		t.Errorf("Ready: %v", err)
	}
}

// recorder is a fake directory that counts binds: the empty-password case
// must never reach the wire.
func TestEmptyPasswordSendsNoBind(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan struct{}, 10)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			c.Close()
		}
	}()
	cfg := baseConfig()
	cfg.URLs = []string{"ldap://" + l.Addr().String()}
	a := ldapauth.New(cfg, quiet)
	_, err = a.Authenticate(context.Background(), gateway.Credentials{Username: "alice", Password: ""})
	if !errors.Is(err, gateway.ErrUnauthenticated) {
		t.Fatalf("want Unauthenticated, got %v", err)
	}
	select {
	case <-accepted:
		t.Fatal("an empty password opened a connection to the directory")
	case <-time.After(100 * time.Millisecond):
	}
}

func deadURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "ldap://" + addr
}

func TestUnavailable(t *testing.T) {
	// A port nobody listens on, and one that accepts but never answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		var held []net.Conn
		for {
			c, err := silent.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	for _, c := range []struct{ name, url string }{{"refused", deadURL(t)}, {"silent", "ldap://" + silent.Addr().String()}} {
		t.Run(c.name, func(t *testing.T) {
			cfg := baseConfig()
			cfg.URLs = []string{c.url}
			cfg.Timeout = 300 * time.Millisecond
			a := ldapauth.New(cfg, quiet)
			start := time.Now()
			_, err := a.Authenticate(context.Background(), gateway.Credentials{Username: "alice", Password: "wonderland"})
			if !errors.Is(err, gateway.ErrUnavailable) {
				t.Fatalf("want Unavailable, got %v", err)
			}
			if errors.Is(err, gateway.ErrUnauthenticated) {
				t.Fatal("a directory that is down must not read as a bad password")
			}
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("gave up after %v; the timeout is 300ms per request", elapsed)
			}
			if a.Ready(context.Background()) == nil {
				t.Error("Ready with the directory down")
			}
		})
	}
}

func TestFailoverAndRecovery(t *testing.T) {
	slapd := slapdtest.Start(t, testData, nil)
	cfg := baseConfig()
	cfg.URLs = []string{deadURL(t), slapd.URL}
	a := ldapauth.New(cfg, quiet)
	ctx := context.Background()
	if _, err := a.Authenticate(ctx, gateway.Credentials{Username: "bob", Password: "builder"}); err != nil {
		t.Fatalf("first URL dead, second up: %v", err)
	}
	// The directory dies: Unavailable. It comes back: pooled connections
	// that died with it are replaced, no restart needed.
	slapd.Stop()
	if _, err := a.Authenticate(ctx, gateway.Credentials{Username: "bob", Password: "builder"}); !errors.Is(err, gateway.ErrUnavailable) {
		t.Fatalf("slapd down: want Unavailable, got %v", err)
	}
	if err := slapd.Restart(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, gateway.Credentials{Username: "bob", Password: "builder"}); err != nil {
		t.Fatalf("slapd back: %v", err)
	}
}

func TestStartTLSAndLDAPS(t *testing.T) {
	certs := slapdtest.NewTLS(t)
	slapd := slapdtest.Start(t, testData, certs)
	cfg := baseConfig()
	cfg.URLs = []string{slapd.URL}
	cfg.StartTLS = true
	cfg.CAFile = certs.CAFile
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a := ldapauth.New(cfg, quiet)
	if _, err := a.Authenticate(context.Background(), gateway.Credentials{Username: "alice", Password: "wonderland"}); err != nil {
		t.Fatalf("StartTLS with the test CA: %v", err)
	}
	// Without the CA the certificate is not trusted: Unavailable, not a bad password.
	cfg.CAFile = ""
	_, err := ldapauth.New(cfg, quiet).Authenticate(context.Background(), gateway.Credentials{Username: "alice", Password: "wonderland"})
	if !errors.Is(err, gateway.ErrUnavailable) {
		t.Fatalf("untrusted certificate: want Unavailable, got %v", err)
	}
}

func TestValidate(t *testing.T) {
	good := baseConfig()
	good.URLs = []string{"ldap://127.0.0.1:389"}
	cases := []struct {
		name string
		edit func(*ldapauth.Config)
		key  string
	}{
		{"no urls", func(c *ldapauth.Config) { c.URLs = nil }, "ldap.urls"},
		{"bad scheme", func(c *ldapauth.Config) { c.URLs = []string{"http://x"} }, "ldap.urls"},
		{"ldaps with starttls", func(c *ldapauth.Config) { c.URLs = []string{"ldaps://x:636"}; c.StartTLS = true }, "ldap.start_tls"},
		{"no user base", func(c *ldapauth.Config) { c.UserBase = "" }, "ldap.user_base"},
		{"filter without username", func(c *ldapauth.Config) { c.UserFilter = "(uid=x)" }, "ldap.user_filter"},
		{"broken filter", func(c *ldapauth.Config) { c.GroupFilter = "(member={dn}" }, "ldap.group_filter"},
		{"bind dn without password", func(c *ldapauth.Config) { c.BindDN = "cn=x" }, "ldap.bind_password"},
		{"missing ca file", func(c *ldapauth.Config) { c.CAFile = "/nonexistent.pem" }, "ldap.ca_file"},
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("good config: %v", err)
	}
	for _, c := range cases {
		cfg := good
		c.edit(&cfg)
		err := cfg.Validate()
		if err == nil || !containsKey(err.Error(), c.key) {
			t.Errorf("%s: want an error naming %s, got %v", c.name, c.key, err)
		}
	}
}

func containsKey(msg, key string) bool { return len(msg) >= len(key) && msg[:len(key)] == key }

// TestGroupCache: with group_cache_ttl, a returning user's groups come from
// the cache (a change in the directory shows after the TTL), while the
// password is still checked by a bind at every login; with no TTL the
// change shows at once.
func TestGroupCache(t *testing.T) {
	slapd := slapdtest.Start(t, testData, nil)
	admin := adminOf(t, slapd)
	setStaff := func(member bool) {
		t.Helper()
		m := ldap.NewModifyRequest("cn=staff,ou=groups,dc=example,dc=org", nil)
		if member {
			m.Add("member", []string{"uid=bob,ou=people,dc=example,dc=org"})
		} else {
			m.Delete("member", []string{"uid=bob,ou=people,dc=example,dc=org"})
		}
		if err := admin.Modify(m); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name        string
		ttl         time.Duration
		staffAfter  bool // bob's groups at the second login, after leaving staff
		searchesAdd int  // directory searches the second login makes
	}{
		{"cached", time.Hour, true, 1},
		{"no cache", 0, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := baseConfig()
			cfg.URLs, cfg.GroupCacheTTL = []string{slapd.URL}, tc.ttl
			a := ldapauth.New(cfg, quiet)
			defer a.Close()
			reg := prometheus.NewRegistry()
			a.RegisterMetrics(reg)
			id, err := a.Authenticate(context.Background(), gateway.Credentials{Username: "bob", Password: "builder"})
			if err != nil || !slices.Contains(id.Groups, "staff") {
				t.Fatalf("first login: %v %v", id.Groups, err)
			}
			setStaff(false)
			defer setStaff(true)
			if _, err := a.Authenticate(context.Background(), gateway.Credentials{Username: "bob", Password: "wrong"}); err == nil {
				t.Fatal("a wrong password was accepted with the groups cached")
			}
			before := searchCount(t, reg)
			id, err = a.Authenticate(context.Background(), gateway.Credentials{Username: "bob", Password: "builder"})
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(id.Groups, "staff"); got != tc.staffAfter {
				t.Errorf("staff at the second login: %v, want %v (groups %v)", got, tc.staffAfter, id.Groups)
			}
			if got := searchCount(t, reg) - before; got != tc.searchesAdd {
				t.Errorf("the second login made %d searches, want %d", got, tc.searchesAdd)
			}
		})
	}
}

// TestEntryCache: with entry_cache_ttl, a returning user's login is one
// bind and no search, still refused for a wrong password; an entry renamed
// since it was remembered is found again by the login that binds to its
// old name; with no TTL every login searches.
func TestEntryCache(t *testing.T) {
	for _, d := range directories(t) {
		for _, tc := range []struct {
			name     string
			ttl      time.Duration
			searches int // the second login's searches
		}{
			{"cached", time.Hour, 0},
			{"no cache", 0, 1},
		} {
			t.Run(d.name+"/"+tc.name, func(t *testing.T) {
				cfg := d.cfg
				cfg.EntryCacheTTL, cfg.GroupCacheTTL = tc.ttl, time.Hour
				a := ldapauth.New(cfg, quiet)
				defer a.Close()
				reg := prometheus.NewRegistry()
				a.RegisterMetrics(reg)
				login := func(password string, wantSearches, wantBinds int) (gateway.Identity, error) {
					t.Helper()
					searches, binds := opCount(t, reg, "search"), opCount(t, reg, "bind")
					id, err := a.Authenticate(context.Background(), gateway.Credentials{Username: "alice", Password: password})
					if got := opCount(t, reg, "search") - searches; got != wantSearches {
						t.Errorf("password %q: %d searches, want %d", password, got, wantSearches)
					}
					if got := opCount(t, reg, "bind") - binds; got != wantBinds {
						t.Errorf("password %q: %d binds, want %d", password, got, wantBinds)
					}
					return id, err
				}
				// The groups come from a cache of their own: alice's group
				// search is counted at her first login only.
				if _, err := login("wonderland", 2, 1); err != nil {
					t.Fatal(err)
				}
				id, err := login("wonderland", tc.searches, 1)
				if err != nil || id.Username != "alice" || !slices.Contains(id.Groups, "admins") {
					t.Fatalf("the second login: %+v %v", id, err)
				}
				// A wrong password is bound once, then the entry searched
				// afresh (it is the same: refused).
				if _, err := login("wrong", 1, 1); !errors.Is(err, gateway.ErrUnauthenticated) {
					t.Errorf("a wrong password: %v", err)
				}
			})
		}
	}

	t.Run("renamed", func(t *testing.T) {
		slapd := slapdtest.Start(t, testData, nil)
		cfg := baseConfig()
		cfg.URLs, cfg.EntryCacheTTL = []string{slapd.URL}, time.Hour
		a := ldapauth.New(cfg, quiet)
		defer a.Close()
		bob := gateway.Credentials{Username: "bob", Password: "builder"}
		if id, err := a.Authenticate(context.Background(), bob); err != nil || id.DN != "uid=bob,ou=people,dc=example,dc=org" {
			t.Fatalf("first login: %+v %v", id, err)
		}
		admin := adminOf(t, slapd)
		// The entry gets another RDN and keeps uid: bob, so the user filter
		// finds it under its new DN.
		if err := admin.ModifyDN(ldap.NewModifyDNRequest("uid=bob,ou=people,dc=example,dc=org", "cn=Bob Renamed", false, "")); err != nil {
			t.Fatal(err)
		}
		id, err := a.Authenticate(context.Background(), bob)
		if err != nil || id.DN != "cn=Bob Renamed,ou=people,dc=example,dc=org" {
			t.Errorf("login after the rename: %+v %v", id, err)
		}
	})
}

// adminOf is a connection to slapd bound as its root DN, closed with the
// test.
func adminOf(t *testing.T, slapd *slapdtest.Server) *ldap.Conn {
	t.Helper()
	admin, err := ldap.DialURL(slapd.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if err := admin.Bind("cn=admin,"+slapdtest.Suffix, "admin-secret"); err != nil {
		t.Fatal(err)
	}
	return admin
}

// searchCount is how many searches the authorizer has sent, from its
// latency histogram.
func searchCount(t *testing.T, reg *prometheus.Registry) int {
	t.Helper()
	return opCount(t, reg, "search")
}

// opCount is how many requests of one operation (search, bind) the
// authorizer has sent.
func opCount(t *testing.T, reg *prometheus.Registry, op string) int {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range families {
		if f.GetName() != "gateway_ldap_request_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "operation" && l.GetValue() == op {
					n += int(m.GetHistogram().GetSampleCount())
				}
			}
		}
	}
	return n
}

// TestUsernameFromTheDirectory: a real directory matches uid through case
// and compatibility folds, so look-alike spellings find alice's entry; the
// identity's username is the entry's own value, never the spelling typed.
// With another login attribute (mail), that attribute's value is the name.
func TestUsernameFromTheDirectory(t *testing.T) {
	for _, d := range directories(t) {
		t.Run(d.name, func(t *testing.T) {
			a := ldapauth.New(d.cfg, quiet)
			defer a.Close()
			for _, typed := range []string{"alice", "ALICE", "ａｌｉｃｅ", "𝐚𝐥𝐢𝐜𝐞"} {
				id, err := a.Authenticate(context.Background(), gateway.Credentials{Username: typed, Password: "wonderland"})
				if d.name == "embedded" && err != nil && typed != "alice" && typed != "ALICE" {
					continue // the embedded directory folds only ASCII case: refused is as good
				}
				if err != nil {
					t.Fatalf("%q: %v", typed, err)
				}
				if id.Username != "alice" || !slices.Contains(id.Groups, "admins") {
					t.Errorf("%q logged in as %q %v", typed, id.Username, id.Groups)
				}
			}
			// A filter with alternatives: one user is one name whichever
			// alternative was typed, the first attribute's unless
			// login_attribute names another.
			for _, attr := range []string{"", "uid"} {
				cfg := d.cfg
				cfg.UserFilter, cfg.LoginAttr = "(|(mail={username})(uid={username}))", attr
				a = ldapauth.New(cfg, quiet)
				defer a.Close()
				want := map[string]string{"": "bob@example.org", "uid": "bob"}[attr]
				for _, typed := range []string{"BOB", "bob@example.org"} {
					id, err := a.Authenticate(context.Background(), gateway.Credentials{Username: typed, Password: "builder"})
					if err != nil || id.Username != want {
						t.Errorf("login_attribute %q, typed %q: %q %v, want %q", attr, typed, id.Username, err, want)
					}
				}
			}
		})
	}
}

// TestUnknownUserCostsABind: an unknown username is answered after the
// same requests as a wrong password (a search and a bind), so its answer
// is not faster.
func TestUnknownUserCostsABind(t *testing.T) {
	for _, d := range directories(t) {
		t.Run(d.name, func(t *testing.T) {
			a := ldapauth.New(d.cfg, quiet)
			defer a.Close()
			reg := prometheus.NewRegistry()
			a.RegisterMetrics(reg)
			for _, user := range []string{"bob", "nobody-here"} {
				before := opCount(t, reg, "bind")
				_, err := a.Authenticate(context.Background(), gateway.Credentials{Username: user, Password: "wrong"})
				if !errors.Is(err, gateway.ErrUnauthenticated) {
					t.Fatalf("%s: %v", user, err)
				}
				if got := opCount(t, reg, "bind") - before; got != 1 {
					t.Errorf("%s with a wrong password: %d binds, want 1", user, got)
				}
			}
		})
	}
}

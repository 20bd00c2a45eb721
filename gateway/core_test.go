package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gateway/gateway"
	"gateway/wsdl"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fakeAuth accepts password "pw" for any user and counts calls.
type fakeAuth struct{ calls atomic.Int32 }

func (f *fakeAuth) Authenticate(_ context.Context, c gateway.Credentials) (gateway.Identity, error) {
	f.calls.Add(1)
	switch c.Password {
	case "pw":
		return gateway.Identity{Username: c.Username, DN: "uid=" + c.Username, Groups: []string{"staff"}}, nil
	case "down":
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnavailable, "directory unavailable")
	}
	return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "invalid username or password")
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// hooks records attached/detached calls.
type hooks struct {
	mu     sync.Mutex
	events []string
	panics bool
}

func (h *hooks) Invoke(_ context.Context, call *gateway.Call) (gateway.Struct, error) {
	if h.panics {
		panic("boom")
	}
	return gateway.Struct{{Name: "cancelled", Value: true}}, nil
}
func (h *hooks) Attached(_ context.Context, p *gateway.Perspective, c gateway.ClientInfo) {
	h.mu.Lock()
	h.events = append(h.events, "attached "+p.Name())
	h.mu.Unlock()
}
func (h *hooks) Detached(_ context.Context, p *gateway.Perspective, c gateway.ClientInfo, r gateway.DetachReason) {
	h.mu.Lock()
	h.events = append(h.events, "detached "+p.Name()+" "+string(r))
	h.mu.Unlock()
}

type fixture struct {
	core   *gateway.Core
	auth   *fakeAuth
	clock  *clock
	hooks  *hooks
	svc    *gateway.Service
	events *gateway.MemoryEventLog
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	def, err := wsdl.Load("../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{auth: &fakeAuth{}, clock: &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}, hooks: &hooks{}}
	f.svc = &gateway.Service{Name: "inventory", Definition: def, AllowGroups: []string{"staff"}, Impl: f.hooks}
	reg, err := gateway.NewRegistry(f.svc)
	if err != nil {
		t.Fatal(err)
	}
	f.events = gateway.NewMemoryEventLog(0)
	// keptFeeds hides Release, so that the tests can read a departed user's
	// feed (the gateway itself drops it: TestDepartedUserLeavesNoFeed).
	f.core = gateway.New(f.auth, gateway.NewMemoryStore(), keptFeeds{f.events}, reg, quiet,
		gateway.Config{IdleTimeout: time.Minute, AbsoluteTimeout: time.Hour, Now: f.clock.Now})
	return f
}

type keptFeeds struct{ gateway.EventLog }

func (f *fixture) login(t testing.TB, user string) (string, *gateway.Session) {
	t.Helper()
	token, s, err := f.core.Login(context.Background(), gateway.Credentials{Username: user, Password: "pw"}, gateway.ClientInfo{Protocol: "xmlrpc"})
	if err != nil {
		t.Fatal(err)
	}
	return token, s
}

func kinds(evs []gateway.Event) []string {
	var out []string
	for _, e := range evs {
		s := e.Kind + " " + e.Client.ID
		if e.Reason != "" {
			s += " " + string(e.Reason)
		}
		out = append(out, s)
	}
	return out
}

func TestLoginSharesPerspectiveAndDetachesOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	t1, s1 := f.login(t, "alice")
	_, s2 := f.login(t, "alice")
	if len(t1) != 43 {
		t.Errorf("token %q is not 256 bits in URL-safe base64", t1)
	}
	clients, err := f.core.Perspective(s1).Clients(ctx)
	if err != nil || len(clients) != 2 {
		t.Fatalf("alice's perspective has %d clients, %v", len(clients), err)
	}
	if err := f.core.Logout(ctx, s2); err != nil {
		t.Fatal(err)
	}
	if err := f.core.Logout(ctx, s2); !errors.Is(err, gateway.ErrUnauthenticated) {
		t.Errorf("second logout: %v", err)
	}
	evs, next, err := f.core.Perspective(s1).Events(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"attached " + s1.Client.ID, "attached " + s2.Client.ID, "detached " + s2.Client.ID + " logout"}
	if got := kinds(evs); !equal(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
	if next != 3 {
		t.Errorf("next = %d", next)
	}
	if got := f.hooks.events; len(got) != 3 || got[2] != "detached alice logout" {
		t.Errorf("hooks = %v", got)
	}
	if _, err := f.core.Resume(ctx, t1); err != nil {
		t.Errorf("first client still logged in: %v", err)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestIdleAndAbsoluteExpiry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	token, s := f.login(t, "bob")
	f.clock.Advance(50 * time.Second)
	if _, err := f.core.Resume(ctx, token); err != nil {
		t.Fatalf("used within the idle timeout: %v", err)
	}
	f.clock.Advance(50 * time.Second) // 50s since last use: still alive
	f.core.Sweep(ctx)
	if _, err := f.core.Resume(ctx, token); err != nil {
		t.Fatalf("touched 50s ago: %v", err)
	}
	f.clock.Advance(61 * time.Second)
	// The sweeper and a late call race for the expired session: exactly one detach.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); f.core.Sweep(ctx) }()
		go func() {
			defer wg.Done()
			if _, err := f.core.Resume(ctx, token); !errors.Is(err, gateway.ErrUnauthenticated) {
				t.Errorf("expired session: %v", err)
			}
		}()
	}
	wg.Wait()
	evs, _, _ := f.core.Perspective(s).Events(ctx, 0, 0)
	if got := kinds(evs); !equal(got, []string{"attached " + s.Client.ID, "detached " + s.Client.ID + " idle"}) {
		t.Errorf("events = %v", got)
	}

	// Absolute timeout: used every 30 s, still ends after an hour.
	token, s = f.login(t, "carol")
	for i := 0; i < 121; i++ {
		f.clock.Advance(30 * time.Second)
		_, _ = f.core.Resume(ctx, token)
	}
	if _, err := f.core.Resume(ctx, token); !errors.Is(err, gateway.ErrUnauthenticated) {
		t.Fatalf("past the absolute timeout: %v", err)
	}
	evs, _, _ = f.core.Perspective(s).Events(ctx, 0, 0)
	if got := kinds(evs); len(got) != 2 || got[1] != "detached "+s.Client.ID+" expired" {
		t.Errorf("events = %v", got)
	}
}

func TestCredentialSessionReusesOneSession(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	client := gateway.ClientInfo{Protocol: "xmlrpc"}
	var wg sync.WaitGroup
	ids := make([]string, 10)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := f.core.CredentialSession(ctx, gateway.Credentials{Username: "alice", Password: "pw"}, client)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = s.Client.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("per-call credentials made several sessions: %v", ids)
		}
	}
	if n := f.auth.calls.Load(); n != 1 {
		t.Errorf("directory asked %d times, want 1", n)
	}
	// Another password (even if it were valid) or protocol is another session.
	if _, err := f.core.CredentialSession(ctx, gateway.Credentials{Username: "alice", Password: "bad"}, client); !errors.Is(err, gateway.ErrUnauthenticated) {
		t.Errorf("bad password: %v", err)
	}
	s, _ := f.core.CredentialSession(ctx, gateway.Credentials{Username: "alice", Password: "pw"}, gateway.ClientInfo{Protocol: "soap"})
	if s == nil || s.Client.ID == ids[0] {
		t.Error("another protocol must get its own session")
	}
	if _, err := f.core.CredentialSession(ctx, gateway.Credentials{Username: "alice", Password: "down"}, client); !errors.Is(err, gateway.ErrUnavailable) {
		t.Errorf("directory down: %v", err)
	}
}

func TestInvokeChecksGroupsParamsAndPanics(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, s := f.login(t, "bob")
	svc, op, err := f.core.Services().Lookup("inventory", "Reserve")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.core.Invoke(ctx, s, svc, op, gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: int64(1)}}); err != nil {
		t.Fatalf("valid call: %v", err)
	}
	if _, err := f.core.Invoke(ctx, s, svc, op, gateway.Struct{{Name: "sku", Value: "A-1"}}); !errors.Is(err, gateway.ErrInvalidParams) {
		t.Errorf("missing quantity: %v", err)
	}
	f.hooks.panics = true
	if _, err := f.core.Invoke(ctx, s, svc, op, gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: int64(1)}}); gateway.AsFault(err).Kind != gateway.FaultInternal {
		t.Errorf("panic: %v", err)
	}
	s.Identity.Groups = nil
	if _, err := f.core.Invoke(ctx, s, svc, op, nil); !errors.Is(err, gateway.ErrForbidden) {
		t.Errorf("no group: %v", err)
	}
	if _, _, err := f.core.Services().Lookup("inventory", "Nope"); !errors.Is(err, gateway.ErrNoSuchMethod) {
		t.Errorf("unknown operation: %v", err)
	}
}

func TestDetachAllOnShutdown(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, s1 := f.login(t, "alice")
	f.login(t, "bob")
	f.core.DetachAll(ctx, gateway.ReasonShutdown)
	all, _ := f.core.Sessions(ctx)
	if len(all) != 0 {
		t.Errorf("%d sessions left", len(all))
	}
	evs, _, _ := f.core.Perspective(s1).Events(ctx, 0, 0)
	if got := kinds(evs); len(got) != 2 || got[1] != "detached "+s1.Client.ID+" shutdown" {
		t.Errorf("events = %v", got)
	}
}

func TestLoginThrottle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	from := func(addr string) gateway.ClientInfo { return gateway.ClientInfo{Protocol: "xmlrpc", Remote: addr} }
	for i := 0; i < gateway.MaxFailsPerUser; i++ {
		if _, _, err := f.core.Login(ctx, gateway.Credentials{Username: "alice", Password: "wrong"}, from("10.0.0.1")); !errors.Is(err, gateway.ErrUnauthenticated) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	asked := f.auth.calls.Load()
	// The right password, from another address: still refused, and the
	// directory is not asked.
	_, _, err := f.core.Login(ctx, gateway.Credentials{Username: "Alice", Password: "pw"}, from("10.0.0.2"))
	if gateway.AsFault(err).Kind != gateway.FaultTooManyRequests || f.auth.calls.Load() != asked {
		t.Fatalf("throttled login: %v, directory asked %d more times", err, f.auth.calls.Load()-asked)
	}
	// Other users are not affected; an unknown username is counted like a known one.
	if _, _, err := f.core.Login(ctx, gateway.Credentials{Username: "bob", Password: "pw"}, from("10.0.0.3")); err != nil {
		t.Fatal(err)
	}
	// One address spraying many usernames is throttled too.
	for i := 0; i < gateway.MaxFailsPerAddr; i++ {
		f.core.Login(ctx, gateway.Credentials{Username: fmt.Sprintf("user%d", i), Password: "x"}, from("10.0.0.9"))
	}
	if _, _, err := f.core.Login(ctx, gateway.Credentials{Username: "carol", Password: "pw"}, from("10.0.0.9")); gateway.AsFault(err).Kind != gateway.FaultTooManyRequests {
		t.Errorf("address throttle: %v", err)
	}
	// The window passes: alice may try again.
	f.clock.Advance(gateway.ThrottleWindow)
	if _, _, err := f.core.Login(ctx, gateway.Credentials{Username: "alice", Password: "pw"}, from("10.0.0.2")); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

// TestLookalikeSpellingsShareOneThrottle: fullwidth and mathematical-bold
// spellings of a name are the name to a directory, and to the throttle.
func TestLookalikeSpellingsShareOneThrottle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	spellings := []string{"bob", "BOB", "ｂｏｂ", "𝐛𝐨𝐛", " Bob ", "𝒃𝒐𝒃", "ᵇᵒᵇ"}
	for i := 0; i < gateway.MaxFailsPerUser; i++ {
		user := spellings[i%len(spellings)]
		f.core.Login(ctx, gateway.Credentials{Username: user, Password: "wrong"}, gateway.ClientInfo{Protocol: "xmlrpc", Remote: fmt.Sprintf("10.0.1.%d", i)})
	}
	for _, user := range spellings {
		_, _, err := f.core.Login(ctx, gateway.Credentials{Username: user, Password: "pw"}, gateway.ClientInfo{Protocol: "xmlrpc", Remote: "10.0.2.1"})
		if gateway.AsFault(err).Kind != gateway.FaultTooManyRequests {
			t.Errorf("%q after 10 failures of look-alikes: %v", user, err)
		}
	}
}

// TestIdentityIsCanonical: whatever the authorizer's spelling, the
// perspective's key is its canonical form.
func TestIdentityIsCanonical(t *testing.T) {
	f := newFixture(t)
	_, s1 := f.login(t, "ＢＯＢ")
	_, s2 := f.login(t, "bob")
	if s1.Identity.Username != "bob" || s2.Identity.Username != "bob" {
		t.Fatalf("usernames %q %q", s1.Identity.Username, s2.Identity.Username)
	}
	clients, _ := f.core.Perspective(s2).Clients(context.Background())
	if len(clients) != 2 {
		t.Errorf("one perspective should hold both clients: %d", len(clients))
	}
}

func TestThrottleMemoryKeepsBlockedUsers(t *testing.T) {
	c := &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	th := gateway.NewMemoryThrottle(1000, c.Now)
	ctx := context.Background()
	for i := 0; i < gateway.MaxFailsPerUser; i++ {
		th.Failed(ctx, "bob", "10.0.0.1")
	}
	// A flood of failures for new names from many addresses, 50 each.
	for i := range 100_000 {
		th.Failed(ctx, fmt.Sprintf("name%d", i), fmt.Sprintf("10.1.%d.%d", i/50/256, i/50%256))
	}
	if users, addrs := th.Len(); users > 1000 || addrs > 1000 {
		t.Errorf("held %d users, %d addresses: over the bound", users, addrs)
	}
	if blocked, _ := th.Blocked(ctx, "bob", "10.9.9.9"); !blocked {
		t.Error("the flood washed bob's count out")
	}
	// The window ends: bob may try again, and his entry is forgotten first.
	c.Advance(gateway.ThrottleWindow)
	if blocked, _ := th.Blocked(ctx, "bob", "10.9.9.9"); blocked {
		t.Error("bob still blocked after the window")
	}
}

// TestSessionCapEvictsOldest: a user past MaxSessionsPerUser loses the
// oldest session, with reason evicted.
func TestSessionCapEvictsOldest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.core = gateway.New(f.auth, gateway.NewMemoryStore(), keptFeeds{f.events}, f.core.Services(), quiet,
		gateway.Config{Now: f.clock.Now, MaxSessionsPerUser: 3})
	var first *gateway.Session
	for i := range 4 {
		_, s := f.login(t, "bob")
		if i == 0 {
			first = s
		}
		f.clock.Advance(time.Second)
	}
	all, _ := f.core.Sessions(ctx)
	if len(all) != 3 {
		t.Fatalf("%d sessions live", len(all))
	}
	evs, _, _ := f.core.Perspective(first).Events(ctx, 0, 0)
	if got := kinds(evs); !slices.Contains(got, "detached "+first.Client.ID+" evicted") {
		t.Errorf("events = %v", got)
	}
}

// TestDepartedUserLeavesNoFeed: the feed goes with the user's last
// session; a long-poll woken by that detach still reads it.
func TestDepartedUserLeavesNoFeed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	events := gateway.NewMemoryEventLog(0)
	f.core = gateway.New(f.auth, gateway.NewMemoryStore(), events, f.core.Services(), quiet, gateway.Config{})
	_, a := f.login(t, "bob")
	_, b := f.login(t, "bob")
	p := f.core.Perspective(a)
	_, next, _ := p.Events(ctx, 0, 0)
	woken := make(chan []gateway.Event, 1)
	go func() { evs, _, _ := p.Events(ctx, next, 10*time.Second); woken <- evs }()
	time.Sleep(20 * time.Millisecond)
	if err := f.core.Logout(ctx, b); err != nil {
		t.Fatal(err)
	}
	if evs := <-woken; len(evs) != 1 || evs[0].Reason != gateway.ReasonLogout {
		t.Fatalf("woken with %v", evs)
	}
	if events.Feeds() != 1 {
		t.Fatal("the feed went while bob still has a client")
	}
	_, next, _ = p.Events(ctx, next, 0)
	go func() { evs, _, _ := p.Events(ctx, next, 10*time.Second); woken <- evs }()
	time.Sleep(20 * time.Millisecond)
	if err := f.core.Logout(ctx, a); err != nil {
		t.Fatal(err)
	}
	if evs := <-woken; len(evs) != 1 || evs[0].Client.ID != a.Client.ID {
		t.Fatalf("the last client's poll was woken with %v", evs)
	}
	if events.Feeds() != 0 {
		t.Errorf("%d feeds held after bob left", events.Feeds())
	}
	// Back again: a new feed.
	_, c := f.login(t, "bob")
	if evs, _, _ := f.core.Perspective(c).Events(ctx, 0, 0); len(evs) != 1 || evs[0].Kind != gateway.EventAttached {
		t.Errorf("new feed: %v", evs)
	}
}

// leasedStore is a memory store shared by two cores in a test, as Redis
// is by nodes: it makes a core sweep by lease and prune its credential
// cache.
type leasedStore struct{ *gateway.MemoryStore }

func (leasedStore) Lease(context.Context, string, time.Duration) (bool, error) { return true, nil }

// TestCredentialCacheForgetsWhatAnotherNodeDetached: a session of per-call
// credentials that another node forces out leaves this node's credential
// cache by the next prune, not only when its credentials come again.
func TestCredentialCacheForgetsWhatAnotherNodeDetached(t *testing.T) {
	store := leasedStore{gateway.NewMemoryStore()}
	events := gateway.NewMemoryEventLog(0)
	reg, _ := gateway.NewRegistry()
	cfg := gateway.Config{IdleTimeout: time.Second, AbsoluteTimeout: time.Hour}
	here := gateway.New(&fakeAuth{}, store, events, reg, quiet, cfg)
	there := gateway.New(&fakeAuth{}, store, events, reg, quiet, cfg)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go here.Run(ctx)
	s, err := here.CredentialSession(ctx, gateway.Credentials{Username: "alice", Password: "pw"}, gateway.ClientInfo{Protocol: "soap"})
	if err != nil || here.CachedCredentials() != 1 {
		t.Fatalf("a credential session: %v, %d cached", err, here.CachedCredentials())
	}
	if err := there.Detach(ctx, s.Client.ID, gateway.ReasonForced); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for here.CachedCredentials() != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := here.CachedCredentials(); n != 0 {
		t.Errorf("%d credentials cached after the other node detached their session", n)
	}
}

// countingMetrics records the calls counted, as "protocol service.operation outcome".
type countingMetrics struct {
	mu    sync.Mutex
	calls []string
}

func (m *countingMetrics) ObserveCall(protocol, service, operation string, err error, _ time.Duration) {
	outcome := "ok"
	if err != nil {
		outcome = gateway.AsFault(err).Kind.String()
	}
	m.mu.Lock()
	m.calls = append(m.calls, protocol+" "+service+"."+operation+" "+outcome)
	m.mu.Unlock()
}
func (m *countingMetrics) Login(string) {}
func (m *countingMetrics) Event(string) {}

// TestSessionService: the one session service every front end serves:
// Login, WhoAmI, Events, Logout, its input checked against session.wsdl
// and every call counted under the session service, whatever protocol.
func TestSessionService(t *testing.T) {
	metrics := &countingMetrics{}
	reg, _ := gateway.NewRegistry()
	core := gateway.New(&fakeAuth{}, gateway.NewMemoryStore(), gateway.NewMemoryEventLog(0), reg, quiet, gateway.Config{Metrics: metrics})
	ctx := t.Context()
	login, err := core.CallSession(ctx, gateway.SessionCall{Protocol: "xmlrpc", Operation: "Login",
		Params: gateway.Struct{{Name: "username", Value: "alice"}, {Name: "password", Value: "pw"}}, Client: gateway.ClientInfo{Protocol: "xmlrpc"}})
	if err != nil || login.Token == "" || login.Session == nil || login.Output.String("username") != "alice" {
		t.Fatalf("Login: %v %+v", err, login)
	}
	who, err := core.CallSession(ctx, gateway.SessionCall{Protocol: "soap", Operation: "WhoAmI", Session: login.Session})
	if err != nil || who.Output.String("username") != "alice" {
		t.Errorf("WhoAmI: %v %+v", err, who)
	}
	evs, err := core.CallSession(ctx, gateway.SessionCall{Protocol: "portal", Operation: "Events", Session: login.Session,
		Params: gateway.Struct{{Name: "since", Value: int64(0)}, {Name: "wait", Value: int64(0)}}})
	if err != nil || evs.Output.Int("next") < 1 {
		t.Errorf("Events: %v %+v", err, evs)
	}
	if _, err := core.CallSession(ctx, gateway.SessionCall{Protocol: "soap", Operation: "Events", Session: login.Session,
		Params: gateway.Struct{{Name: "since", Value: "soon"}}}); !errors.Is(err, gateway.ErrInvalidParams) {
		t.Errorf("Events with a string: %v", err)
	}
	out, err := core.CallSession(ctx, gateway.SessionCall{Protocol: "xmlrpc", Operation: "Logout", Session: login.Session})
	if err != nil || !out.LoggedOut {
		t.Errorf("Logout: %v %+v", err, out)
	}
	if _, err := core.CallSession(ctx, gateway.SessionCall{Protocol: "xmlrpc", Operation: "Login",
		Params: gateway.Struct{{Name: "username", Value: "alice"}, {Name: "password", Value: "bad"}}}); !errors.Is(err, gateway.ErrUnauthenticated) {
		t.Errorf("a bad password: %v", err)
	}
	want := "xmlrpc session.Login ok,soap session.WhoAmI ok,portal session.Events ok,soap session.Events InvalidParams,xmlrpc session.Logout ok,xmlrpc session.Login Unauthenticated"
	if got := strings.Join(metrics.calls, ","); got != want {
		t.Errorf("counted\n got %s\nwant %s", got, want)
	}
}

// Package cluster_test runs several gateway processes on one Redis
// (Debian's redis-server, started by the test) and checks that any node
// serves any session, that every node sees every attach and detach, that a
// node's death loses no session, that reservations never oversell, and that
// the nodes recover when Redis comes back.
package cluster_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/rpc"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/kolo/xmlrpc"
	"github.com/redis/go-redis/v9"

	"gateway/conformance/harness"
	"gateway/gateway/redisstore"
)

func TestMain(m *testing.M) { harness.Main(m) }

func binary(t *testing.T) string { return harness.Binary(t) }

// nodes starts n gateways on one Redis.
func nodes(t *testing.T, r *harness.Redis, n int, config string) []*harness.Gateway {
	t.Helper()
	out := make([]*harness.Gateway, n)
	for i := range out {
		out[i] = harness.Start(t, binary(t), config, "GATEWAY_SESSION_STORE=redis", "GATEWAY_REDIS_URL="+r.URL)
	}
	return out
}

// session is an XML-RPC client (kolo) that sends a token as X-Gateway-Session.
func session(t *testing.T, base, token string) *xmlrpc.Client {
	t.Helper()
	c, err := xmlrpc.NewClient(base+"/xmlrpc", tokenTransport(token))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type tokenTransport string

func (tok tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if tok != "" {
		r.Header.Set("X-Gateway-Session", string(tok))
	}
	return http.DefaultTransport.RoundTrip(r)
}

func login(t *testing.T, base, user, password string) string {
	t.Helper()
	var res struct {
		Token string `xmlrpc:"token"`
	}
	if err := session(t, base, "").Call("session.login", []any{user, password}, &res); err != nil {
		t.Fatalf("login on %s: %v", base, err)
	}
	return res.Token
}

type event struct {
	Seq    int    `xmlrpc:"seq"`
	Kind   string `xmlrpc:"kind"`
	Reason string `xmlrpc:"reason"`
	Client struct {
		ID       string `xmlrpc:"id"`
		Protocol string `xmlrpc:"protocol"`
	} `xmlrpc:"client"`
}

type feed struct {
	Next   int     `xmlrpc:"next"`
	Events []event `xmlrpc:"events"`
}

func events(t *testing.T, c *xmlrpc.Client, since, wait int) feed {
	t.Helper()
	var f feed
	if err := c.Call("session.events", []any{since, wait}, &f); err != nil {
		t.Fatalf("session.events: %v", err)
	}
	return f
}

func faultCode(err error) int {
	var se rpc.ServerError
	if !errors.As(err, &se) {
		return 0
	}
	var code int
	fmt.Sscanf(string(se), "Fault(%d):", &code)
	return code
}

func TestAnyNodeServesAnySessionAndSeesEveryEvent(t *testing.T) {
	r := harness.StartRedis(t)
	ns := nodes(t, r, 3, "")
	a, b, c := ns[0], ns[1], ns[2]
	token := login(t, a.URL, "alice", "wonderland")
	onB := session(t, b.URL, token)
	var res struct {
		Reservation struct {
			ID string `xmlrpc:"id"`
		} `xmlrpc:"reservation"`
	}
	if err := onB.Call("inventory.Reserve", []any{"B-2", 1}, &res); err != nil {
		t.Fatalf("a session made on A, used on B: %v", err)
	}
	var mine struct {
		Reservation []struct {
			ID string `xmlrpc:"id"`
		} `xmlrpc:"reservation"`
	}
	if err := session(t, c.URL, token).Call("inventory.MyReservations", nil, &mine); err != nil || len(mine.Reservation) != 1 || mine.Reservation[0].ID != res.Reservation.ID {
		t.Fatalf("the reservation seen on C: %+v %v", mine, err)
	}

	// A long-poll on B sees a client attach on A and detach on C.
	since := events(t, onB, 0, 0).Next
	got := make(chan feed, 1)
	go func() { got <- events(t, onB, since, 10) }()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	second := login(t, a.URL, "alice", "wonderland")
	f := <-got
	if len(f.Events) != 1 || f.Events[0].Kind != "attached" {
		t.Fatalf("B saw %+v", f)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("attach on A reached B's long-poll after %v", d)
	}
	if err := session(t, c.URL, second).Call("session.logout", nil, nil); err != nil {
		t.Fatal(err)
	}
	f = events(t, onB, f.Next, 5)
	if len(f.Events) != 1 || f.Events[0].Kind != "detached" || f.Events[0].Reason != "logout" {
		t.Fatalf("B saw %+v", f)
	}
	if f = events(t, onB, f.Next, 1); len(f.Events) != 0 {
		t.Errorf("an event twice: %+v", f)
	}
}

func TestNodeDeathLosesNoSessionAndIdleExpiresOnce(t *testing.T) {
	r := harness.StartRedis(t)
	ns := nodes(t, r, 2, "session: {idle_timeout: 2s}\n")
	a, b := ns[0], ns[1]
	watcher := login(t, b.URL, "bob", "builder")
	sleeper := login(t, a.URL, "bob", "builder")
	alive := login(t, a.URL, "bob", "builder")
	w := session(t, b.URL, watcher)
	since := events(t, w, 0, 0).Next
	a.Kill() // SIGKILL: no shutdown, no detach
	// A's sessions go on working on B.
	if err := session(t, b.URL, alive).Call("inventory.ListItems", nil, nil); err != nil {
		t.Fatalf("A's session on B after A died: %v", err)
	}
	// Keep the watcher and the live session busy; the sleeper idles out and
	// is swept by B (B takes the sweeper's lease when A's lapses).
	var seen []event
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		f := events(t, w, since, 1)
		since = f.Next
		seen = append(seen, f.Events...)
		_ = session(t, b.URL, alive).Call("session.whoami", nil, nil)
		n := 0
		for _, e := range seen {
			if e.Kind == "detached" {
				n++
			}
		}
		if n > 0 {
			break
		}
	}
	var detached []event
	for _, e := range seen {
		if e.Kind == "detached" {
			detached = append(detached, e)
		}
	}
	if len(detached) != 1 || detached[0].Reason != "idle" {
		t.Fatalf("detached events %+v", seen)
	}
	time.Sleep(time.Second)
	if f := events(t, w, since, 0); len(f.Events) != 0 {
		t.Errorf("after the idle detach: %+v", f.Events)
	}
	if code := faultCode(session(t, b.URL, sleeper).Call("session.whoami", nil, nil)); code != -32001 {
		t.Errorf("the idle session: %d", code)
	}
}

func TestConcurrentReservationsNeverOversell(t *testing.T) {
	r := harness.StartRedis(t)
	ns := nodes(t, r, 2, "")
	tokens := []string{login(t, ns[0].URL, "alice", "wonderland"), login(t, ns[1].URL, "bob", "builder")}
	var granted, outOfStock atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 60; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			node := ns[i%2]
			err := session(t, node.URL, tokens[i%2]).Call("inventory.Reserve", []any{"A-1", 1}, nil)
			switch {
			case err == nil:
				granted.Add(1)
			case faultCode(err) == -32500:
				outOfStock.Add(1)
			default:
				t.Errorf("reserve: %v", err)
			}
		}()
	}
	wg.Wait()
	if granted.Load() != 40 || outOfStock.Load() != 20 {
		t.Errorf("granted %d, out of stock %d, of a stock of 40", granted.Load(), outOfStock.Load())
	}
	var item struct {
		Item struct {
			Stock int `xmlrpc:"stock"`
		} `xmlrpc:"item"`
	}
	if err := session(t, ns[1].URL, tokens[1]).Call("inventory.GetItem", []any{"A-1"}, &item); err != nil || item.Item.Stock != 0 {
		t.Errorf("stock left: %d %v", item.Item.Stock, err)
	}
}

func TestRedisRestart(t *testing.T) {
	r := harness.StartRedis(t)
	ns := nodes(t, r, 2, "")
	token := login(t, ns[0].URL, "alice", "wonderland")
	// ns[0] has the session and the item's stock in its caches (read just
	// now): until it hears that Redis is gone (its subscriptions fail) or
	// a second has passed, it may answer from them; after that its calls
	// meet Redis's absence, and that is -32005.
	if err := session(t, ns[0].URL, token).Call("inventory.GetItem", []any{"A-1"}, nil); err != nil {
		t.Fatal(err)
	}
	r.Stop()
	stopped := time.Now()
	for {
		err := session(t, ns[0].URL, token).Call("inventory.GetItem", []any{"A-1"}, nil)
		if err != nil {
			if code := faultCode(err); code != -32005 {
				t.Errorf("Redis down, the session in the node's cache: fault %d, want -32005", code)
			}
			break
		}
		if time.Since(stopped) > 1500*time.Millisecond {
			t.Fatal("Redis down for 1.5 s: node 0 still answers from its caches")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code := faultCode(session(t, ns[1].URL, token).Call("inventory.ListItems", nil, nil)); code != -32005 {
		t.Errorf("Redis down: fault %d, want -32005", code)
	}
	var lf struct{}
	if code := faultCode(session(t, ns[1].URL, "").Call("session.login", []any{"bob", "builder"}, &lf)); code != -32005 {
		t.Errorf("login with Redis down: %d", code)
	}
	resp, err := http.Get(ns[0].URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"sessions":"down"`) {
		t.Errorf("readyz with Redis down: %d %s", resp.StatusCode, body)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := session(t, ns[1].URL, token).Call("inventory.ListItems", nil, nil)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after Redis came back: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The event feed recovers too: a long-poll on one node sees a login on the other.
	c := session(t, ns[1].URL, token)
	since := events(t, c, 0, 0).Next
	got := make(chan feed, 1)
	go func() { got <- events(t, c, since, 10) }()
	time.Sleep(500 * time.Millisecond)
	login(t, ns[0].URL, "alice", "wonderland")
	if f := <-got; len(f.Events) == 0 || f.Events[0].Kind != "attached" {
		t.Errorf("after the restart: %+v", f)
	}
}

// TestPortalLivePanelOnAnotherNode: bob's browser is on node B; an XML-RPC
// client of bob's attaches on node A and appears in B's live panel.
func TestPortalLivePanelOnAnotherNode(t *testing.T) {
	r := harness.StartRedis(t)
	ns := nodes(t, r, 2, "")
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed: %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	step, stepCancel := context.WithTimeout(ctx, 30*time.Second)
	defer stepCancel()
	if err := chromedp.Do(step,
		chromedp.Navigate(ns[1].URL+"/portal/"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "bob"),
		chromedp.SendKeys(chromedp.CSS("#password"), "builder"),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#clients")),
	); err != nil {
		dctx, dcancel := context.WithTimeout(ctx, 5*time.Second)
		loc, _ := chromedp.Run(dctx, chromedp.Location())
		html, _ := chromedp.Run(dctx, chromedp.OuterHTML("body"))
		dcancel()
		t.Fatalf("sign in on node B: %v (at %s)\n%s", err, loc, html)
	}
	time.Sleep(300 * time.Millisecond)
	login(t, ns[0].URL, "bob", "builder")
	start := time.Now()
	for {
		n, err := chromedp.Run(step, chromedp.Evaluate[int](`document.querySelectorAll('#clients tr[data-protocol="xmlrpc"]').length`))
		if err == nil && n == 1 {
			break
		}
		if time.Since(start) > 3*time.Second {
			png, _ := chromedp.Run(step, chromedp.FullScreenshot(100))
			os.WriteFile(filepath.Join(t.ArtifactDir(), "panel.png"), png, 0o644)
			t.Fatalf("the XML-RPC client on A did not appear on B's panel: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("attach on A shown on B after %v", time.Since(start))
	// A JSON client's login on A appears too, as a json row.
	jsonLogin(t, ns[0].URL, "bob", "builder")
	start = time.Now()
	for {
		n, err := chromedp.Run(step, chromedp.Evaluate[int](`document.querySelectorAll('#clients tr[data-protocol="json"]').length`))
		if err == nil && n == 1 {
			break
		}
		if time.Since(start) > 3*time.Second {
			png, _ := chromedp.Run(step, chromedp.FullScreenshot(100))
			os.WriteFile(filepath.Join(t.ArtifactDir(), "panel.png"), png, 0o644)
			t.Fatalf("the JSON client on A did not appear on B's panel: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	png, err := chromedp.Run(step, chromedp.FullScreenshot(100))
	if err == nil {
		os.WriteFile(filepath.Join(t.ArtifactDir(), "panel-on-b.png"), png, 0o644)
	}
}

// jsonLogin logs in over the JSON front end and returns the token.
func jsonLogin(t *testing.T, base, user, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	resp, err := http.Post(base+"/api/session/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != http.StatusOK || res.Token == "" {
		t.Fatalf("JSON login on %s: %d %v", base, resp.StatusCode, err)
	}
	return res.Token
}

// sseEvent is one Server-Sent Event of the JSON front end's stream.
type sseEvent struct {
	ID   uint64
	Kind string
	Data struct {
		Client struct{ ID, Protocol string }
	}
}

// openStream opens GET /api/session/events/stream with the token (and
// Last-Event-ID when lastID is not empty) and sends each event it reads on
// the channel, which closes when the stream ends.
func openStream(t *testing.T, ctx context.Context, base, token, lastID string) <-chan sseEvent {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/session/events/stream", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body.Close()
		t.Fatalf("the stream on %s: %s %s", base, resp.Status, resp.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 64)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				ev.ID, _ = strconv.ParseUint(line[4:], 10, 64)
			case strings.HasPrefix(line, "event: "):
				ev.Kind = line[7:]
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(line[6:]), &ev.Data)
			case line == "" && ev.Kind != "":
				out <- ev
				ev = sseEvent{}
			}
		}
	}()
	return out
}

// TestEventStreamResumesOnAnotherNode: a JSON client's event stream on
// node A ends when A is killed; the client reconnects to node B with the
// last id it saw (Last-Event-ID) and gets the events it missed while
// disconnected, none twice, then the live ones.
func TestEventStreamResumesOnAnotherNode(t *testing.T) {
	r := harness.StartRedis(t)
	ns := nodes(t, r, 2, "")
	a, b := ns[0], ns[1]
	token := jsonLogin(t, a.URL, "bob", "builder")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	next := func(ch <-chan sseEvent, what string) sseEvent {
		t.Helper()
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("%s: the stream ended", what)
			}
			return ev
		case <-ctx.Done():
			t.Fatalf("%s: no event", what)
		}
		return sseEvent{}
	}
	onA := openStream(t, ctx, a.URL, token, "")
	first := next(onA, "the stream on A")
	if first.Kind != "attached" || first.Data.Client.Protocol != "json" {
		t.Fatalf("the first event on A: %+v", first)
	}
	last := first.ID
	login(t, b.URL, "bob", "builder") // an XML-RPC client attaches while A still serves the stream
	if ev := next(onA, "the XML-RPC attach on A"); ev.Kind != "attached" || ev.Data.Client.Protocol != "xmlrpc" {
		t.Fatalf("on A: %+v", ev)
	} else {
		last = ev.ID
	}
	a.Kill()
	for range onA { // the stream ends with its node
	}
	// While the client is disconnected, two more clients attach.
	jsonLogin(t, b.URL, "bob", "builder")
	login(t, b.URL, "bob", "builder")
	onB := openStream(t, ctx, b.URL, token, strconv.FormatUint(last, 10))
	got := []sseEvent{next(onB, "the first missed event"), next(onB, "the second missed event")}
	if got[0].Kind != "attached" || got[0].Data.Client.Protocol != "json" || got[1].Kind != "attached" || got[1].Data.Client.Protocol != "xmlrpc" ||
		got[0].ID <= last || got[1].ID <= got[0].ID {
		t.Fatalf("resumed on B after id %d: %+v", last, got)
	}
	// And the stream on B goes on with live events.
	login(t, b.URL, "bob", "builder")
	if ev := next(onB, "a live event on B"); ev.Kind != "attached" || ev.ID <= got[1].ID {
		t.Fatalf("live on B: %+v", ev)
	}
}

// BenchmarkNodes measures XML-RPC inventory.GetItem calls per second
// through 1, 2 and 3 nodes on Redis, and through 1 node in memory mode, side
// by side in one run (32 concurrent clients, round-robin over the nodes).
// On one 2-core machine the nodes share the cores with Redis and the load
// generator, so this shows the cost of Redis per call, not how N machines
// scale.
func BenchmarkNodes(b *testing.B) {
	cases := []struct {
		name  string
		redis bool
		n     int
	}{{"memory-1", false, 1}, {"redis-1", true, 1}, {"redis-2", true, 2}, {"redis-3", true, 3}}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var env []string
			if c.redis {
				r := harness.StartRedis(b)
				env = []string{"GATEWAY_SESSION_STORE=redis", "GATEWAY_REDIS_URL=" + r.URL}
			}
			var urls []string
			for i := 0; i < c.n; i++ {
				urls = append(urls, harness.Start(b, harness.Binary(b), "", env...).URL)
			}
			token := benchLogin(b, urls[0])
			body := `<?xml version="1.0"?><methodCall><methodName>inventory.GetItem</methodName><params><param><value><string>A-1</string></value></param></params></methodCall>`
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			var next atomic.Int64
			b.SetParallelism(16) // 32 clients on 2 cores
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					u := urls[int(next.Add(1))%len(urls)]
					req, _ := http.NewRequest(http.MethodPost, u+"/xmlrpc", strings.NewReader(body))
					req.Header.Set("Content-Type", "text/xml")
					req.Header.Set("X-Gateway-Session", token)
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					out, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if !strings.Contains(string(out), "Widget") {
						b.Errorf("unexpected response: %s", out)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
		})
	}
}

func benchLogin(b *testing.B, base string) string {
	c, _ := xmlrpc.NewClient(base+"/xmlrpc", nil)
	var res struct {
		Token string `xmlrpc:"token"`
	}
	if err := c.Call("session.login", []any{"alice", "wonderland"}, &res); err != nil {
		b.Fatal(err)
	}
	return res.Token
}

// TestThrottleAndFeedsShared: failed logins counted on one node block the
// user on the other (the throttle lives in Redis, by the canonical name),
// and a feed's keys expire in Redis instead of staying for good.
func TestThrottleAndFeedsShared(t *testing.T) {
	r := harness.StartRedis(t)
	gw := nodes(t, r, 2, "")
	for i := range 10 {
		user := []string{"alice", "ＡＬＩＣＥ"}[i%2]
		if err := session(t, gw[0].URL, "").Call("session.login", []any{user, "wrong"}, nil); faultCode(err) != -32001 {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if err := session(t, gw[1].URL, "").Call("session.login", []any{"alice", "wonderland"}, nil); faultCode(err) != -32029 {
		t.Errorf("alice on the other node after 10 failures: %v", err)
	}
	token := login(t, gw[1].URL, "bob", "builder")
	if err := session(t, gw[0].URL, token).Call("session.logout", nil, nil); err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: strings.TrimSuffix(strings.TrimPrefix(r.URL, "redis://"), "/0")})
	defer rdb.Close()
	for _, key := range []string{redisstore.KeyPrefix("bob") + "e:bob", redisstore.KeyPrefix("bob") + "seq:bob"} {
		ttl, err := rdb.PTTL(context.Background(), key).Result()
		if err != nil || ttl <= 0 || ttl > 13*time.Hour {
			t.Errorf("%s: TTL %v %v", key, ttl, err)
		}
	}
}

// TestOnRedisCluster: two gateways on a Redis Cluster of three masters
// (session.redis_url with ?cluster=true) do what they do on one Redis: a
// session from one node serves calls on the other, a long-poll on one
// hears an attach on the other, the inventory and the login throttle are
// shared, and a logout on one node ends the session on both with one
// detached event.
func TestOnRedisCluster(t *testing.T) {
	cl := harness.StartRedisCluster(t, 3, 0)
	env := []string{"GATEWAY_SESSION_STORE=redis", "GATEWAY_REDIS_URL=" + cl.URL}
	ns := []*harness.Gateway{harness.Start(t, binary(t), "", env...), harness.Start(t, binary(t), "", env...)}

	alice := login(t, ns[0].URL, "alice", "wonderland")
	onA, onB := session(t, ns[0].URL, alice), session(t, ns[1].URL, alice)
	since := events(t, onA, 0, 0).Next
	heard := make(chan feed, 1)
	go func() { heard <- events(t, onA, since, 10) }()
	time.Sleep(300 * time.Millisecond)
	second := login(t, ns[1].URL, "alice", "wonderland")
	if f := <-heard; len(f.Events) == 0 || f.Events[0].Kind != "attached" {
		t.Fatalf("node 0's long-poll after a login on node 1: %+v", f)
	}

	var res struct {
		Reservation struct {
			ID string `xmlrpc:"id"`
		} `xmlrpc:"reservation"`
	}
	var before, after struct {
		Item struct {
			Stock int `xmlrpc:"stock"`
		} `xmlrpc:"item"`
	}
	if err := onA.Call("inventory.GetItem", []any{"B-2"}, &before); err != nil {
		t.Fatal(err)
	}
	if err := onB.Call("inventory.Reserve", []any{"B-2", 1}, &res); err != nil {
		t.Fatalf("reserve on node 1 with node 0's session: %v", err)
	}
	// Node 0 read B-2's stock (from the Cluster's master of the
	// inventory's slot) and keeps it for up to a second; the reservation's
	// script publishes the SKU through the Cluster, and node 0 drops it on
	// hearing it: within the time of that message, node 0 sees the
	// reservation made through node 1 (not a second later, when its copy
	// would have aged out anyway).
	for deadline := time.Now().Add(500 * time.Millisecond); ; time.Sleep(5 * time.Millisecond) {
		err := onA.Call("inventory.GetItem", []any{"B-2"}, &after)
		if err == nil && after.Item.Stock == before.Item.Stock-1 {
			break
		}
		if err != nil || time.Now().After(deadline) {
			t.Errorf("stock on node 0 after a reservation on node 1: %d, was %d (%v)", after.Item.Stock, before.Item.Stock, err)
			break
		}
	}
	var mine struct {
		Reservation []struct {
			ID string `xmlrpc:"id"`
		} `xmlrpc:"reservation"`
	}
	if err := onA.Call("inventory.MyReservations", nil, &mine); err != nil || len(mine.Reservation) != 1 || mine.Reservation[0].ID != res.Reservation.ID {
		t.Errorf("node 0 lists %+v (%v), want %q", mine, err, res.Reservation.ID)
	}

	for i := range 10 {
		if err := session(t, ns[0].URL, "").Call("session.login", []any{"carol", "wrong"}, nil); faultCode(err) != -32001 {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if err := session(t, ns[1].URL, "").Call("session.login", []any{"carol", "carol-pass"}, nil); faultCode(err) != -32029 {
		t.Errorf("carol on node 1 after 10 failures on node 0: %v", err)
	}

	// A logout on node 1 of a session node 0 has just served (so holds in
	// its session cache): node 0 hears of it by the Cluster's pub/sub,
	// within the time one message takes, not the cache's second.
	if err := session(t, ns[0].URL, second).Call("inventory.ListItems", nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := session(t, ns[1].URL, second).Call("session.logout", nil, nil); err != nil {
		t.Fatal(err)
	}
	loggedOut := time.Now()
	for {
		err := session(t, ns[0].URL, second).Call("inventory.ListItems", nil, nil)
		if faultCode(err) == -32001 {
			break
		}
		if time.Since(loggedOut) > 300*time.Millisecond {
			t.Fatalf("the logged-out session on node 0 still served %v after the logout: %v", time.Since(loggedOut), err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	f := events(t, onA, since, 0)
	detached := 0
	for _, ev := range f.Events {
		if ev.Kind == "detached" {
			detached++
		}
	}
	if detached != 1 {
		t.Errorf("%d detached events for one logout: %+v", detached, f.Events)
	}
}

// Package xmlrpc_test drives the built gateway binary over loopback with
// real XML-RPC clients: Python's xmlrpc.client, Twisted's Proxy and
// kolo/xmlrpc.
package xmlrpc_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/rpc"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kolo/xmlrpc"

	"gateway/conformance/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

func binary(t *testing.T) string { return harness.Binary(t) }

// Config files for the suites; the store comes from GATEWAY_SESSION_STORE
// so the same suite can run on every store.
const idleConfig = `session: {idle_timeout: 2s}
`

func TestPythonXMLRPCClient(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	idle := harness.Start(t, binary(t), idleConfig)
	out := harness.RunScript(t, filepath.Join("clients", "python_client.py"), gw.URL, idle.URL)
	t.Log(out)
	if !strings.Contains(out, "all checks passed") {
		t.Fatal("python client did not finish")
	}
	// The audit log has the logins, their failures, attaches and detaches,
	// and never a password or a token.
	logs := gw.Logs()
	for _, want := range []string{"audit=login_success", "audit=login_failure", "audit=attach", "audit=detach", "reason=logout"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s", want)
		}
	}
	for _, secret := range []string{"wonderland", "builder", "carol-pass"} {
		if strings.Contains(logLines(logs), secret) {
			t.Errorf("logs contain the password %q", secret)
		}
	}
	if !strings.Contains(idle.Logs(), "reason=idle") {
		t.Error("idle gateway logged no idle detach")
	}
}

// logLines keeps the structured log lines (the banner on stdout lists the
// demo users with their passwords, on purpose).
func logLines(logs string) string {
	var b strings.Builder
	for _, l := range strings.Split(logs, "\n") {
		if strings.HasPrefix(l, "time=") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func TestTwistedProxy(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	out := harness.RunScript(t, filepath.Join("clients", "twisted_client.py"), gw.URL)
	t.Log(out)
	if !strings.Contains(out, "all checks passed") {
		t.Fatal("twisted client did not finish")
	}
}

func TestKoloClient(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	// kolo keeps cookies in a jar: the gw_session cookie set by login
	// carries the session on every later call.
	c, err := xmlrpc.NewClient(gw.URL+"/xmlrpc", nil)
	if err != nil {
		t.Fatal(err)
	}
	var login struct {
		Token    string    `xmlrpc:"token"`
		Username string    `xmlrpc:"username"`
		Expires  time.Time `xmlrpc:"expires"`
	}
	if err := c.Call("session.login", []any{"alice", "wonderland"}, &login); err != nil {
		t.Fatal(err)
	}
	if login.Username != "alice" || len(login.Token) != 43 || time.Until(login.Expires) < 14*time.Minute {
		t.Fatalf("login: %+v", login)
	}
	type item struct {
		SKU   string  `xmlrpc:"sku"`
		Name  string  `xmlrpc:"name"`
		Stock int     `xmlrpc:"stock"`
		Price float64 `xmlrpc:"price"`
	}
	var got struct {
		Item item `xmlrpc:"item"`
	}
	if err := c.Call("inventory.GetItem", []any{"A-1"}, &got); err != nil {
		t.Fatal(err)
	}
	if got.Item != (item{"A-1", "Widget", 40, 2.5}) {
		t.Errorf("GetItem: %+v", got.Item)
	}
	var res struct {
		Reservation struct {
			ID       string `xmlrpc:"id"`
			Quantity int    `xmlrpc:"quantity"`
		} `xmlrpc:"reservation"`
	}
	if err := c.Call("inventory.Reserve", []any{map[string]any{"sku": "B-2", "quantity": 1}}, &res); err != nil {
		t.Fatal(err)
	}
	if res.Reservation.ID == "" || res.Reservation.Quantity != 1 {
		t.Errorf("Reserve: %+v", res)
	}
	var cancelled struct {
		Cancelled bool `xmlrpc:"cancelled"`
	}
	if strings.Contains(gw.Logs(), login.Token) {
		t.Error("the session token appears in the logs")
	}
	if err := c.Call("inventory.CancelReservation", []any{res.Reservation.ID}, &cancelled); err != nil || !cancelled.Cancelled {
		t.Errorf("CancelReservation: %v %v", cancelled, err)
	}
	faults := []struct {
		method string
		args   []any
		code   int
		prefix string
	}{
		{"inventory.GetItem", []any{"Z-9"}, -32500, "UnknownItem"},
		{"inventory.Reserve", []any{"A-1", 100000}, -32500, "OutOfStock"},
		{"inventory.Nope", nil, -32601, ""},
		{"inventory.Reserve", []any{"A-1", "one"}, -32602, ""},
	}
	for _, f := range faults {
		code, msg := koloFault(c.Call(f.method, f.args, nil))
		if code != f.code || !strings.HasPrefix(msg, f.prefix) {
			t.Errorf("%s%v: want fault %d %s, got %d %s", f.method, f.args, f.code, f.prefix, code, msg)
		}
	}
	var ok bool
	if err := c.Call("session.logout", nil, &ok); err != nil || !ok {
		t.Fatalf("logout: %v %v", ok, err)
	}
	if code, msg := koloFault(c.Call("inventory.ListItems", nil, nil)); code != -32001 {
		t.Errorf("after logout: want -32001, got %d %s", code, msg)
	}
}

// koloFault reads the fault kolo/xmlrpc reports through net/rpc as the text
// "Fault(CODE): STRING".
func koloFault(err error) (int, string) {
	var se rpc.ServerError
	if !errors.As(err, &se) {
		return 0, fmt.Sprint(err)
	}
	var code int
	if _, scanErr := fmt.Sscanf(string(se), "Fault(%d):", &code); scanErr != nil {
		return 0, string(se)
	}
	_, msg, _ := strings.Cut(string(se), "): ")
	return code, msg
}

func TestHTTPErrors(t *testing.T) {
	gw := harness.Start(t, binary(t), "limits: {max_body_bytes: 1024, max_depth: 64, max_multicall: 100}\n")
	cases := []struct {
		name, method, ctype, body string
		status                    int
	}{
		{"GET", http.MethodGet, "", "", http.StatusMethodNotAllowed},
		{"wrong content type", http.MethodPost, "application/json", "{}", http.StatusUnsupportedMediaType},
		{"body over the limit", http.MethodPost, "text/xml", strings.Repeat("x", 2048), http.StatusRequestEntityTooLarge},
		{"malformed XML is a fault in a 200", http.MethodPost, "text/xml", "<methodCall>", http.StatusOK},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, gw.URL+"/xmlrpc", strings.NewReader(c.body))
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.status)
		}
		if c.status == http.StatusOK && !strings.Contains(string(body), "<int>-32700</int>") {
			t.Errorf("%s: %s", c.name, body)
		}
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200} {
		resp, err := http.Get(gw.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
}

// On SIGTERM a waiting long-poll is released at once and the process exits
// cleanly; in memory mode every client detaches with the reason shutdown, in
// Redis mode the sessions stay with the cluster.
func TestShutdownDetachesClients(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	c, err := xmlrpc.NewClient(gw.URL+"/xmlrpc", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Call("session.login", []any{"bob", "builder"}, nil); err != nil {
		t.Fatal(err)
	}
	var next struct {
		Next int64 `xmlrpc:"next"`
	}
	if err := c.Call("session.events", []any{0, 0}, &next); err != nil {
		t.Fatal(err)
	}
	polled := make(chan error, 1)
	go func() { polled <- c.Call("session.events", []any{next.Next, 30}, nil) }()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	gw.Stop(t)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("shutdown took %v with a long-poll waiting", took)
	}
	if err := <-polled; err != nil {
		t.Errorf("the in-flight long-poll failed: %v", err)
	}
	shared := os.Getenv("GATEWAY_TEST_STORE") == "redis"
	if detached := strings.Contains(gw.Logs(), "reason=shutdown"); detached == shared {
		// Memory mode: the sessions die with the node, so every client is
		// told. Redis mode: they belong to the cluster and stay.
		t.Errorf("shared sessions %v, detached at shutdown %v:\n%s", shared, detached, gw.Logs())
	}
}

func TestDefaultsBanner(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	gw.WaitLog("carol / carol-pass", 5*time.Second)
	logs := gw.Logs()
	for _, want := range []string{"/xmlrpc", "alice / wonderland", "bob   / builder", "carol / carol-pass", "level=WARN", "DEMO directory"} {
		if !strings.Contains(logs, want) {
			t.Errorf("start-up output lacks %q:\n%s", want, logs)
		}
	}
}

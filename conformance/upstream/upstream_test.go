// Package upstream_test fronts real upstream servers on loopback with the
// built gateway: a spyne SOAP service, Python's SimpleXMLRPCServer and a Go
// HTTP/JSON server, and checks protocol bridging, the caller's identity,
// timeouts, the circuit breaker, retries, garbage and application faults.
package upstream_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/rpc"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kolo/xmlrpc"

	"gateway/adapters/upstream"
	"gateway/conformance/harness"
	"gateway/ldapauth"
)

func TestMain(m *testing.M) { harness.Main(m) }

func binary(t *testing.T) string { return harness.Binary(t) }

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// pythonServer runs one of servers/*.py on a free port until the test ends.
func pythonServer(t *testing.T, script string) string {
	t.Helper()
	return pythonServerAt(t, script, freePort(t))
}

// pythonServerAt is pythonServer on a given port, with more arguments.
func pythonServerAt(t *testing.T, script string, port int, args ...string) string {
	t.Helper()
	cmd := exec.Command(harness.Python(t), append([]string{filepath.Join("servers", script), fmt.Sprint(port)}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- strings.TrimSpace(line) == "ready"
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("%s did not start (python3-spyne installed?)", script)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not start within 20s", script)
	}
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

func TestXMLRPCClientCallsSpyneSOAPUpstream(t *testing.T) {
	spyne := pythonServer(t, "spyne_server.py")
	gw := harness.Start(t, binary(t), fmt.Sprintf(`services:
  - name: shop
    backend: {kind: soap, url: "%s/", timeout: 5s}
`, spyne))
	out := harness.RunScript(t, filepath.Join("clients", "xmlrpc_to_spyne.py"), gw.URL)
	if !strings.Contains(out, "all checks passed") {
		t.Fatal(out)
	}
}

func TestZeepCallsXMLRPCUpstream(t *testing.T) {
	server := pythonServer(t, "xmlrpc_server.py")
	gw := harness.Start(t, binary(t), fmt.Sprintf(`services:
  - name: calc
    wsdl: conformance/upstream/testdata/calc.wsdl
    backend:
      kind: xmlrpc
      url: "%s/RPC2"
      params: positional
      methods: {Add: math.add, Convert: convert, WhoCalls: whoCalls, Refuse: refuse}
`, server))
	out := harness.RunScript(t, filepath.Join("clients", "zeep_to_xmlrpc.py"), gw.URL)
	if !strings.Contains(out, "all checks passed") {
		t.Fatal(out)
	}
	// An upstream XML-RPC fault keeps its code and string for XML-RPC callers.
	c := kolo(t, gw.URL, "alice", "wonderland")
	if code, msg := koloFault(c.Call("calc.Refuse", []any{"x"}, nil)); code != 4711 || msg != "refused: x" {
		t.Errorf("upstream fault: %d %q", code, msg)
	}
}

// billing is a Go HTTP/JSON upstream whose behaviour the test switches.
type billing struct {
	verifier   upstream.Verifier
	lastCaller atomic.Value // upstream.Caller
	mode       atomic.Value // "ok", "slow", "garbage", "fail-once"
	calls      atomic.Int32
	failed     atomic.Bool
	mu         sync.Mutex
	seen       []string // "user [groups]" of each verified call
	srv        *http.Server
	addr       string
}

func (b *billing) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		return
	}
	b.calls.Add(1)
	caller, err := b.verifier.Verify(r)
	user, groups := caller.User, caller.Groups
	b.lastCaller.Store(caller)
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"fault": "Forbidden", "message": "bad gateway signature"}`)
		return
	}
	b.mu.Lock()
	b.seen = append(b.seen, user+" ["+strings.Join(groups, ",")+"]")
	b.mu.Unlock()
	switch b.mode.Load() {
	case "slow":
		time.Sleep(2 * time.Second)
	case "garbage":
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>proxy error at http://internal.example:9999</html>")
		return
	case "fail-once":
		if !b.failed.Swap(true) {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
	}
	var in map[string]any
	_ = json.NewDecoder(r.Body).Decode(&in)
	w.Header().Set("Content-Type", "application/json")
	switch strings.TrimPrefix(r.URL.Path, "/billing/") {
	case "Ping":
		io.WriteString(w, `{"ok": true}`)
	case "Invoice":
		amount, _ := in["amount"].(float64)
		if amount > 1000 {
			w.WriteHeader(http.StatusPaymentRequired)
			json.NewEncoder(w).Encode(map[string]any{"fault": "InsufficientFunds", "message": "over the limit",
				"detail": map[string]any{"customer": in["customer"], "message": "limit 1000"}})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": "INV-1", "total": amount * 1.2, "issuedBy": user,
			"issuedAt": time.Now().UTC().Format(time.RFC3339), "internal": "dropped"})
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"fault": "NoSuchOperation", "message": "no"}`)
	}
}

func (b *billing) start(t *testing.T) {
	t.Helper()
	l, err := net.Listen("tcp", b.addr)
	if err != nil {
		t.Fatal(err)
	}
	b.addr = l.Addr().String()
	b.srv = &http.Server{Handler: b}
	go b.srv.Serve(l)
}

func (b *billing) stop() { b.srv.Close() }

// kolo is an XML-RPC client sending HTTP Basic credentials on every call.
func kolo(t *testing.T, base, user, password string) *xmlrpc.Client {
	t.Helper()
	c, err := xmlrpc.NewClient(base+"/xmlrpc", basicAuth{user, password})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type basicAuth struct{ user, password string }

func (b basicAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r.SetBasicAuth(b.user, b.password)
	return http.DefaultTransport.RoundTrip(r)
}

// koloFault reads the fault kolo/xmlrpc reports through net/rpc.
func koloFault(err error) (int, string) {
	var se rpc.ServerError
	if !errors.As(err, &se) {
		return 0, fmt.Sprint(err)
	}
	var code int
	fmt.Sscanf(string(se), "Fault(%d):", &code)
	_, msg, _ := strings.Cut(string(se), "): ")
	return code, msg
}

func TestHTTPJSONUpstream(t *testing.T) {
	up := &billing{verifier: upstream.Verifier{Secret: []byte("s3cret")}, addr: "127.0.0.1:0"}
	up.mode.Store("ok")
	up.start(t)
	defer up.stop()
	secretFile := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secretFile, []byte("s3cret\n"), 0o600)
	gw := harness.Start(t, binary(t), fmt.Sprintf(`services:
  - name: billing
    wsdl: conformance/upstream/testdata/billing.wsdl
    allow_groups: [staff]
    backend:
      kind: http-json
      url: "http://%s/billing"
      timeout: 500ms
      idempotent: [Ping]
      retries: 1
      breaker: {failures: 3, cooldown: 1s}
      identity_secret_file: %s
`, up.addr, secretFile))
	alice := kolo(t, gw.URL, "alice", "wonderland")

	// The upstream sees the caller, signed; its answer fits the WSDL.
	var inv struct {
		ID       string    `xmlrpc:"id"`
		Total    float64   `xmlrpc:"total"`
		IssuedBy string    `xmlrpc:"issuedBy"`
		IssuedAt time.Time `xmlrpc:"issuedAt"`
	}
	if err := alice.Call("billing.Invoice", []any{"ACME", 100.0}, &inv); err != nil {
		t.Fatal(err)
	}
	if inv.ID != "INV-1" || inv.Total != 120 || inv.IssuedBy != "alice" || inv.IssuedAt.IsZero() {
		t.Fatalf("Invoice: %+v", inv)
	}
	up.mu.Lock()
	seen := strings.Join(up.seen, "; ")
	up.mu.Unlock()
	if seen != "alice [staff,admins]" {
		t.Errorf("the upstream saw %q", seen)
	}
	// A tampered signature is refused by the upstream.
	req, _ := http.NewRequest(http.MethodPost, "http://"+up.addr+"/billing/Ping", strings.NewReader("{}"))
	req.Header.Set(upstream.HeaderUser, "alice")
	req.Header.Set(upstream.HeaderGroups, "admins")
	req.Header.Set(upstream.HeaderTimestamp, fmt.Sprint(time.Now().Unix()))
	req.Header.Set(upstream.HeaderNonce, "n")
	req.Header.Set(upstream.HeaderSignature, upstream.Signature([]byte("s3cret"), "POST", "/billing/Ping", "alice", "staff", time.Now().Unix(), "n", []byte("{}")))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("tampered groups: upstream answered %d", resp.StatusCode)
	}

	// An application fault passes through with its name, and its detail over SOAP.
	if code, msg := koloFault(alice.Call("billing.Invoice", []any{"ACME", 5000.0}, nil)); code != -32500 || msg != "InsufficientFunds: over the limit" {
		t.Errorf("application fault: %d %q", code, msg)
	}
	soapBody := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><b:Invoice xmlns:b="urn:test:billing"><b:customer>ACME</b:customer><b:amount>5000</b:amount></b:Invoice></s:Body></s:Envelope>`
	sreq, _ := http.NewRequest(http.MethodPost, gw.URL+"/soap/billing", strings.NewReader(soapBody))
	sreq.Header.Set("Content-Type", "text/xml")
	sreq.SetBasicAuth("bob", "builder")
	sresp, err := http.DefaultClient.Do(sreq)
	if err != nil {
		t.Fatal(err)
	}
	sb, _ := io.ReadAll(sresp.Body)
	sresp.Body.Close()
	if !strings.Contains(string(sb), `<detail><m:InsufficientFunds xmlns:m="urn:test:billing"><m:customer>ACME</m:customer><m:message>limit 1000</m:message>`) {
		t.Errorf("SOAP fault detail:\n%s", sb)
	}

	// Garbage: a clear fault, no upstream detail leaked.
	up.mode.Store("garbage")
	code, msg := koloFault(alice.Call("billing.Ping", nil, nil))
	if code != -32005 || strings.Contains(msg, "internal.example") || strings.Contains(msg, up.addr) {
		t.Errorf("garbage: %d %q", code, msg)
	}
	// Slow: the call ends at the backend timeout.
	up.mode.Store("slow")
	start := time.Now()
	code, msg = koloFault(alice.Call("billing.Invoice", []any{"ACME", 1.0}, nil))
	if code != -32005 || !strings.Contains(msg, "did not answer within 500ms") || time.Since(start) > 1500*time.Millisecond {
		t.Errorf("slow: %d %q after %v", code, msg, time.Since(start))
	}
	// A success resets the breaker's count of consecutive failures.
	up.mode.Store("ok")
	var ping struct {
		OK bool `xmlrpc:"ok"`
	}
	if err := alice.Call("billing.Ping", nil, &ping); err != nil || !ping.OK {
		t.Fatalf("Ping: %v", err)
	}
	// One failed attempt: an idempotent operation is retried, another is not.
	up.mode.Store("fail-once")
	up.failed.Store(false)
	if code, msg := koloFault(alice.Call("billing.Invoice", []any{"ACME", 1.0}, nil)); code != -32005 {
		t.Errorf("non-idempotent after one failure: %d %q", code, msg)
	}
	up.failed.Store(false)
	if err := alice.Call("billing.Ping", nil, &ping); err != nil || !ping.OK {
		t.Errorf("idempotent Ping was not retried: %v", err)
	}

	// Down: after 3 failures the breaker opens and calls fail fast, then one
	// trial after the cooldown closes it when the upstream is back.
	up.mode.Store("ok")
	up.stop()
	for i := 0; i < 3; i++ {
		if code, _ := koloFault(alice.Call("billing.Invoice", []any{"ACME", 1.0}, nil)); code != -32005 {
			t.Fatalf("down, call %d: %d", i, code)
		}
	}
	code, msg = koloFault(alice.Call("billing.Invoice", []any{"ACME", 1.0}, nil))
	if code != -32005 || !strings.Contains(msg, "circuit open") {
		t.Errorf("breaker: %d %q", code, msg)
	}
	_, ready := get(t, gw.URL+"/readyz")
	if !strings.Contains(ready, `"billing":"down (breaker open)"`) {
		t.Errorf("readyz: %s", ready)
	}
	up.start(t)
	time.Sleep(1100 * time.Millisecond)
	if err := alice.Call("billing.Ping", nil, &ping); err != nil {
		t.Fatalf("after the cooldown, with the upstream back: %v", err)
	}
	if _, ready = get(t, gw.URL+"/readyz"); !strings.Contains(ready, `"billing":"up (breaker closed)"`) {
		t.Errorf("readyz after recovery: %s", ready)
	}
	if strings.Contains(gw.Logs(), "s3cret") {
		t.Error("the identity secret is in the logs")
	}

	// The portal's form calls the same upstream.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	_, page := postForm(t, browser, gw.URL+"/portal/login", url.Values{"username": {"bob"}, "password": {"builder"}})
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil || !strings.Contains(page, "op/billing/Invoice") {
		t.Fatalf("portal dashboard:\n%s", page)
	}
	status, page := postForm(t, browser, gw.URL+"/portal/op/billing/Invoice", url.Values{"customer": {"Bob's shop"}, "amount": {"10"}, "csrf": {csrf[1]}})
	if status != http.StatusOK || !strings.Contains(page, "INV-1") || !strings.Contains(page, "<td>bob</td>") {
		t.Errorf("portal form: %d\n%s", status, page)
	}
}

func get(t *testing.T, u string) (int, string) {
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestGroupWithACommaStaysOneGroup: bob is in a group named "ops,admins"
// (a legal CN); the upstream's verifier reads it as that one group, never
// as membership of admins, and a request replayed with another body is
// refused.
func TestGroupWithACommaStaysOneGroup(t *testing.T) {
	up := &billing{verifier: upstream.Verifier{Secret: []byte("s3cret")}, addr: "127.0.0.1:0"}
	up.mode.Store("ok")
	up.start(t)
	defer up.stop()
	dir := t.TempDir()
	ldif := append(append([]byte{}, ldapauth.DemoLDIF...), []byte(`
dn: cn=ops\,admins,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: ops,admins
member: uid=bob,ou=people,dc=example,dc=org
`)...)
	os.WriteFile(filepath.Join(dir, "dir.ldif"), ldif, 0o600)
	os.WriteFile(filepath.Join(dir, "secret"), []byte("s3cret\n"), 0o600)
	gw := harness.Start(t, binary(t), fmt.Sprintf(`directory: {ldif: %s}
services:
  - name: billing
    wsdl: conformance/upstream/testdata/billing.wsdl
    allow_groups: [staff]
    backend: {kind: http-json, url: "http://%s/billing", timeout: 2s, identity_secret_file: %s}
`, filepath.Join(dir, "dir.ldif"), up.addr, filepath.Join(dir, "secret")))
	bob := kolo(t, gw.URL, "bob", "builder")
	if err := bob.Call("billing.Ping", []any{}, nil); err != nil {
		t.Fatal(err)
	}
	up.mu.Lock()
	seen := strings.Join(up.seen, "; ")
	up.mu.Unlock()
	if seen != "bob [staff,ops,admins]" && seen != "bob [ops,admins,staff]" {
		t.Fatalf("the upstream saw %q", seen)
	}
	caller, _ := up.lastCaller.Load().(upstream.Caller)
	if slices.Contains(caller.Groups, "admins") || !slices.Contains(caller.Groups, "ops,admins") {
		t.Errorf("groups as verified: %q", caller.Groups)
	}
}

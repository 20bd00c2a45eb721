// Package ops_test checks what an operator relies on, against the built
// binary: TLS, metrics, request IDs and JSON logs, a directory that dies and
// comes back, and SIGTERM under load.
package ops_test

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gateway/conformance/harness"
	"gateway/ldapauth"
	"gateway/ldapauth/slapdtest"
)

func TestMain(m *testing.M) { harness.Main(m) }

func binary(t *testing.T) string { return harness.Binary(t) }

func call(c *http.Client, base, token, body string) (*http.Response, string, error) {
	req, _ := http.NewRequest(http.MethodPost, base+"/xmlrpc", strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml")
	if token != "" {
		req.Header.Set("X-Gateway-Session", token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

func loginBody(user, password string) string {
	return fmt.Sprintf(`<methodCall><methodName>session.login</methodName><params><param><value>%s</value></param><param><value>%s</value></param></params></methodCall>`, user, password)
}

const getItem = `<methodCall><methodName>inventory.GetItem</methodName><params><param><value>A-1</value></param></params></methodCall>`

var tokenRE = regexp.MustCompile(`<name>token</name><value><string>([^<]+)`)

func login(t *testing.T, c *http.Client, base, user, password string) string {
	t.Helper()
	_, body, err := call(c, base, "", loginBody(user, password))
	m := tokenRE.FindStringSubmatch(body)
	if err != nil || m == nil {
		t.Fatalf("login: %v %s", err, body)
	}
	return m[1]
}

// TestTLS runs on both HTTP engines: the same answers over TLS, HTTP/1.1
// on fasthttp (the default) and HTTP/2 for a client that asks on net/http.
func TestTLS(t *testing.T) {
	certs := slapdtest.NewTLS(t)
	pem, _ := os.ReadFile(certs.CAFile)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	for _, engine := range []struct{ name, proto string }{{"fasthttp", "HTTP/1.1"}, {"net/http", "HTTP/2.0"}} {
		t.Run(engine.name, func(t *testing.T) {
			gw := harness.Start(t, binary(t), fmt.Sprintf("http_engine: %s\ntls: {cert_file: %s, key_file: %s}\n", engine.name, certs.CertFile, certs.KeyFile))
			if !strings.HasPrefix(gw.URL, "https://") {
				t.Fatalf("banner URL %s", gw.URL)
			}
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
			token := login(t, client, gw.URL, "bob", "builder")
			resp, body, err := call(client, gw.URL, token, getItem)
			if err != nil || !strings.Contains(body, "Widget") {
				t.Fatalf("over TLS: %v %s", err, body)
			}
			if resp.Proto != engine.proto {
				t.Errorf("protocol %s, want %s", resp.Proto, engine.proto)
			}
			old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}}}
			if _, err := old.Get(gw.URL + "/healthz"); err == nil {
				t.Error("TLS 1.1 accepted")
			}
			page, err := client.PostForm(gw.URL+"/portal/login", url.Values{"username": {"bob"}, "password": {"builder"}})
			if err != nil {
				t.Fatal(err)
			}
			page.Body.Close()
			if !strings.HasPrefix(page.Header.Get("Strict-Transport-Security"), "max-age=") {
				t.Error("no HSTS on the portal over TLS")
			}
			noFollow := &http.Client{Transport: client.Transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			first, err := noFollow.PostForm(gw.URL+"/portal/login", url.Values{"username": {"bob"}, "password": {"builder"}})
			if err != nil {
				t.Fatal(err)
			}
			first.Body.Close()
			var secure bool
			for _, c := range first.Cookies() {
				secure = secure || c.Name == "gw_session" && c.Secure
			}
			if !secure {
				t.Error("the session cookie is not Secure over TLS")
			}
		})
	}
}

func TestMetricsRequestIDsAndJSONLogs(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	c := http.DefaultClient
	token := login(t, c, gw.URL, "bob", "builder")
	req, _ := http.NewRequest(http.MethodPost, gw.URL+"/xmlrpc", strings.NewReader(getItem))
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("X-Gateway-Session", token)
	req.Header.Set("X-Request-ID", "trace-me-42")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("X-Request-ID") != "trace-me-42" {
		t.Errorf("request ID not echoed: %q", resp.Header.Get("X-Request-ID"))
	}
	r2, _, err := call(c, gw.URL, "", loginBody("bob", "nope"))
	if err != nil {
		t.Fatal(err)
	}
	failedID := r2.Header.Get("X-Request-ID")
	if len(failedID) != 32 {
		t.Errorf("no request ID made: %q", failedID)
	}
	call(c, gw.URL, token, `<methodCall><methodName>inventory.GetItem</methodName><params><param><value>Z-9</value></param></params></methodCall>`)
	mresp, err := http.Get(gw.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	for _, want := range []string{
		`gateway_requests_total{operation="GetItem",outcome="ok",protocol="xmlrpc",service="inventory"} 1`,
		`gateway_requests_total{operation="GetItem",outcome="Application",protocol="xmlrpc",service="inventory"} 1`,
		`gateway_logins_total{outcome="success"} 1`,
		`gateway_logins_total{outcome="unauthenticated"} 1`,
		`gateway_attached_clients{protocol="xmlrpc"} 1`,
		`gateway_events_published_total{kind="attached"} 1`,
		`gateway_request_duration_seconds_bucket{protocol="xmlrpc",service="inventory",le="+Inf"} 2`,
		`gateway_ldap_request_duration_seconds_count{operation="bind",outcome="ok"}`,
		`gateway_ldap_pool_idle{pool="search"}`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// The failed login's audit line carries its own request's ID, not the
	// one before it on the same kept-alive connection (the fasthttp engine
	// reuses a request's context: gateway.ReusableRequestContext).
	gw.WaitLog("audit=login_failure", 5*time.Second)
	var failures []string
	for _, l := range strings.Split(gw.Logs(), "\n") {
		if strings.Contains(l, "audit=login_failure") {
			failures = append(failures, l)
		}
	}
	if len(failures) != 1 || !strings.Contains(failures[0], "request_id="+failedID) {
		t.Errorf("want one login_failure line with request_id=%s, got:\n%s", failedID, strings.Join(failures, "\n"))
	}
}

// TestJSONLogs runs the binary with -log-format json.
func TestJSONLogs(t *testing.T) {
	gw := harness.StartArgs(t, binary(t), []string{"-log-format", "json"})
	login(t, http.DefaultClient, gw.URL, "alice", "wonderland")
	gw.WaitLog(`"audit":"login_success"`, 5*time.Second)
	var lines int
	for _, l := range strings.Split(gw.Logs(), "\n") {
		if !strings.HasPrefix(l, "{") {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Errorf("not JSON: %s", l)
			continue
		}
		if rec["audit"] == "login_success" {
			lines++
			if id, _ := rec["request_id"].(string); id == "" {
				t.Errorf("audit line without request_id: %s", l)
			}
		}
	}
	if lines != 1 {
		t.Errorf("%d login_success lines", lines)
	}
}

// TestDirectoryDiesAndComesBack: slapd killed mid-run, logins get -32005
// and existing sessions keep working; slapd back, logins work again without
// a restart; with the first URL dead, the second serves.
func TestDirectoryDiesAndComesBack(t *testing.T) {
	slapd := slapdtest.Start(t, ldapauth.DemoLDIF, nil)
	gw := harness.Start(t, binary(t), fmt.Sprintf(`ldap:
  urls: ["ldap://127.0.0.1:1", "%s"]
  user_base: "ou=people,dc=example,dc=org"
  group_base: "ou=groups,dc=example,dc=org"
  timeout: 2s
`, slapd.URL))
	c := http.DefaultClient
	token := login(t, c, gw.URL, "bob", "builder") // the first URL is dead: the second serves
	slapd.Stop()
	for range 5 {
		_, body, err := call(c, gw.URL, "", loginBody("alice", "wonderland"))
		if err != nil || !strings.Contains(body, "<int>-32005</int>") {
			t.Errorf("login with slapd down: %v %s", err, body)
		}
	}
	// Each failure is logged once, when it starts, with its URL and cause;
	// not once per login.
	down := regexp.MustCompile(`msg="directory unavailable" url=` + regexp.QuoteMeta(slapd.URL) + ` cause=dial`)
	gw.WaitLog(`msg="directory unavailable" url=`+slapd.URL, 5*time.Second) // through the pipe first
	if n := len(down.FindAllString(gw.Logs(), -1)); n != 1 {
		t.Errorf("%d log lines for slapd going down, want 1:\n%s", n, gw.Logs())
	}
	if n := strings.Count(gw.Logs(), `msg="directory unavailable" url=ldap://127.0.0.1:1 cause=dial`); n != 1 {
		t.Errorf("%d log lines for the dead URL, want 1", n)
	}
	if _, body, _ := call(c, gw.URL, token, getItem); !strings.Contains(body, "Widget") {
		t.Errorf("an existing session with slapd down: %s", body)
	}
	if resp, err := http.Get(gw.URL + "/readyz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("readyz with slapd down: %d", resp.StatusCode)
		}
	}
	if err := slapd.Restart(); err != nil {
		t.Fatal(err)
	}
	login(t, c, gw.URL, "alice", "wonderland")
	// The line may still be in the pipe from the gateway's stderr when the
	// login's answer arrives.
	if !gw.WaitLog(`msg="directory reachable again" url=`+slapd.URL, 5*time.Second) {
		t.Error("the directory's return was not logged")
	}
}

// TestSelfContainedBinary: the built binary alone, copied into an empty
// folder and run from there, checks its defaults, starts the demo and
// serves a demo call: nothing it needs is read from the repository.
func TestSelfContainedBinary(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "gateway")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	check := exec.Command(bin, "-check-config")
	check.Dir = dir
	if out, err := check.CombinedOutput(); err != nil || !strings.Contains(string(out), "configuration ok") || !strings.Contains(string(out), "built-in (inventory)") {
		t.Fatalf("-check-config from an empty folder: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GATEWAY_LISTEN=127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "gateway listening on "); ok {
				found <- rest
			}
		}
	}()
	var base string
	select {
	case base = <-found:
	case <-time.After(30 * time.Second):
		t.Fatal("the gateway did not start from an empty folder")
	}
	token := login(t, http.DefaultClient, base, "bob", "builder")
	if _, body, err := call(http.DefaultClient, base, token, getItem); err != nil || !strings.Contains(body, "Widget") {
		t.Errorf("a demo call: %v %s", err, body)
	}
	resp, err := http.Get(base + "/soap/inventory?wsdl")
	if err != nil {
		t.Fatal(err)
	}
	wsdl, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(wsdl), "GetItem") {
		t.Errorf("the built-in WSDL published: %d", resp.StatusCode)
	}
}

// TestSIGTERMUnderLoad: 32 clients call without pause; SIGTERM; every
// request the gateway accepted completes with a full, correct answer.
func TestSIGTERMUnderLoad(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	token := login(t, http.DefaultClient, gw.URL, "bob", "builder")
	var ok, refused, failed atomic.Int64
	var failures sync.Map
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, body, err := call(client, gw.URL, token, getItem)
				switch {
				case err == nil && resp.StatusCode == 200 && strings.Contains(body, "Widget") && strings.HasSuffix(strings.TrimSpace(body), "</methodResponse>"):
					ok.Add(1)
				case err != nil && notAccepted(err):
					refused.Add(1)
				default:
					failed.Add(1)
					failures.Store(fmt.Sprint(err, " ", resp != nil && resp.StatusCode != 200), true)
				}
			}
		}()
	}
	time.Sleep(time.Second)
	before := ok.Load()
	gw.Signal(syscall.SIGTERM)
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()
	t.Logf("%d calls before SIGTERM, %d in all, %d refused after, %d failed", before, ok.Load(), refused.Load(), failed.Load())
	if failed.Load() > 0 {
		failures.Range(func(k, _ any) bool { t.Errorf("failure: %v", k); return true })
	}
	if before < 100 {
		t.Errorf("only %d calls in a second of load", before)
	}
}

// notAccepted is a request the gateway never took: the connection was
// refused or closed before any byte of an answer.
func notAccepted(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) ||
		strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "server closed") ||
		strings.Contains(err.Error(), "EOF")
}

// TestAuthChallenge: with auth_challenge on, clients that send credentials
// only when challenged (SOAP::Lite and LWP with credentials for the realm)
// log in; a call without credentials still carries the fault in the 401's
// body. With it off (the default), Python's xmlrpc.client gets -32001 in a
// 200, and SOAP the fault in a 500.
func TestAuthChallenge(t *testing.T) {
	perl, err := exec.LookPath("perl")
	if err != nil {
		t.Fatalf("perl is not installed (make test installs libsoap-lite-perl): %v", err)
	}
	gw := harness.Start(t, binary(t), "auth_challenge: {soap: true, xmlrpc: true}\n")
	if out, err := exec.Command(perl, filepath.Join("clients", "challenge.pl"), gw.URL).CombinedOutput(); err != nil || !strings.Contains(string(out), "all checks passed") {
		t.Errorf("challenge.pl: %v\n%s", err, out)
	}
	// A session that has expired is not challenged: the client sent one.
	resp, body, _ := call(http.DefaultClient, gw.URL, "no-such-token", getItem)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("WWW-Authenticate") != "" || !strings.Contains(body, "<int>-32001</int>") {
		t.Errorf("a dead token: %d %q %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
	}
	plain := harness.Start(t, binary(t), "")
	resp, body, _ = call(http.DefaultClient, plain.URL, "", getItem)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("WWW-Authenticate") != "" || !strings.Contains(body, "<int>-32001</int>") {
		t.Errorf("XML-RPC without the challenge: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodPost, plain.URL+"/soap/inventory", strings.NewReader(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetItem xmlns="urn:gateway:examples:inventory"><sku>A-1</sku></GetItem></s:Body></s:Envelope>`))
	req.Header.Set("Content-Type", "text/xml")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("SOAP without the challenge: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
}

// admin runs an admin command of the binary against base as alice.
func admin(t *testing.T, base string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "GATEWAY_URL="+base, "GATEWAY_ADMIN_USER=alice", "GATEWAY_ADMIN_PASSWORD=wonderland")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestAdminCommands: the binary's admin commands against a running
// gateway: sessions, call, logout; a user outside admins is refused; a
// reload under load (from the command and from SIGHUP) fails no call,
// adds a service, keeps the sessions and the demo's reservations, and a
// bad configuration is refused with the running one kept.
func TestAdminCommands(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gateway.yaml")
	write := func(yaml string) {
		if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("services:\n  - {name: inventory, builtin: inventory, allow_groups: [staff]}\n")
	gw := harness.StartArgs(t, binary(t), []string{"-config", cfgPath})
	c := http.DefaultClient
	bob := login(t, c, gw.URL, "bob", "builder")
	reserve := `<methodCall><methodName>inventory.Reserve</methodName><params><param><value>A-1</value></param><param><value><int>2</int></value></param></params></methodCall>`
	if _, body, _ := call(c, gw.URL, bob, reserve); !strings.Contains(body, "R-1") {
		t.Fatalf("reserve: %s", body)
	}

	out, err := admin(t, gw.URL, "sessions", "-user", "bob")
	if err != nil || !strings.Contains(out, "bob") || !strings.Contains(out, "xmlrpc") || strings.Contains(out, "alice") {
		t.Errorf("sessions -user bob: %v\n%s", err, out)
	}
	out, err = admin(t, gw.URL, "call", "inventory.GetItem", "sku=A-1")
	if err != nil || !regexp.MustCompile(`item\.name\s+Widget`).MatchString(out) || !regexp.MustCompile(`item\.stock\s+38`).MatchString(out) {
		t.Errorf("call inventory.GetItem: %v\n%s", err, out)
	}
	if out, err = admin(t, gw.URL, "call", "-json", "inventory.GetItem", "sku=Z-9"); err == nil || !strings.Contains(out, "UnknownItem") {
		t.Errorf("a call that faults: %v\n%s", err, out)
	}
	bobAdmin := exec.Command(binary(t), "sessions")
	bobAdmin.Env = append(os.Environ(), "GATEWAY_URL="+gw.URL, "GATEWAY_ADMIN_USER=bob", "GATEWAY_ADMIN_PASSWORD=builder")
	if out, err := bobAdmin.CombinedOutput(); err == nil || !strings.Contains(string(out), "not in the admins group") {
		t.Errorf("bob as an admin: %v\n%s", err, out)
	}

	// Reload under load: 8 clients call without pause throughout.
	var failed, done atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, body, err := call(c, gw.URL, bob, getItem)
				if err != nil || !strings.Contains(body, "Widget") {
					failed.Add(1)
				}
				done.Add(1)
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	write("services:\n  - {name: inventory, builtin: inventory, allow_groups: [staff]}\n  - {name: stock, builtin: inventory}\n")
	out, err = admin(t, gw.URL, "reload")
	if err != nil || !strings.Contains(out, "services inventory, stock") {
		t.Errorf("reload: %v\n%s", err, out)
	}
	time.Sleep(300 * time.Millisecond)
	write("services:\n  - {name: inventory, wsdl: missing.wsdl, builtin: inventory}\n")
	if out, err := admin(t, gw.URL, "reload"); err == nil || !strings.Contains(out, "refused") {
		t.Errorf("a bad configuration: %v\n%s", err, out)
	}
	write("services:\n  - {name: inventory, builtin: inventory, allow_groups: [staff]}\n  - {name: stock, builtin: inventory}\n  - {name: depot, builtin: inventory}\n")
	gw.Signal(syscall.SIGHUP)
	if !gw.WaitLog("SIGHUP: reloaded: services inventory, stock, depot", 10*time.Second) {
		t.Error("SIGHUP did not reload")
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	if failed.Load() != 0 || done.Load() < 50 {
		t.Errorf("%d of %d calls failed across the reloads", failed.Load(), done.Load())
	}
	// The new services serve; the session and its reservation are still there.
	if _, body, _ := call(c, gw.URL, bob, strings.ReplaceAll(getItem, "inventory.", "depot.")); !strings.Contains(body, "Widget") {
		t.Errorf("the service added by SIGHUP: %s", body)
	}
	if _, body, _ := call(c, gw.URL, bob, `<methodCall><methodName>inventory.MyReservations</methodName><params></params></methodCall>`); !strings.Contains(body, "R-1") {
		t.Errorf("the reservation across reloads: %s", body)
	}

	// bob's clients: his XML-RPC session, and the one his refused admin
	// command attached (credentials make a session before the group check).
	out, err = admin(t, gw.URL, "logout", "bob")
	if err != nil || !strings.Contains(out, "logged out 2 client(s)") {
		t.Errorf("logout bob: %v\n%s", err, out)
	}
	if _, body, _ := call(c, gw.URL, bob, getItem); !strings.Contains(body, "<int>-32001</int>") {
		t.Errorf("bob's token after logout: %s", body)
	}
}

// TestSlowDirectory: a directory that takes connections and never answers
// is reported once, with its URL and cause timeout, by the log and by
// -check-config; logins get -32005, not "bad password".
func TestSlowDirectory(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c) // accepted, never answered
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()
	url := "ldap://" + ln.Addr().String()
	yaml := fmt.Sprintf("ldap: {urls: ['%s'], user_base: 'ou=people,dc=example,dc=org', timeout: 1s}\n", url)
	gw := harness.Start(t, binary(t), yaml)
	for range 3 {
		_, body, err := call(http.DefaultClient, gw.URL, "", loginBody("alice", "wonderland"))
		if err != nil || !strings.Contains(body, "<int>-32005</int>") {
			t.Errorf("login against a silent directory: %v %s", err, body)
		}
	}
	if n := strings.Count(gw.Logs(), `msg="directory unavailable" url=`+url+` cause=timeout`); n != 1 {
		t.Errorf("%d log lines for the silent directory, want 1:\n%s", n, gw.Logs())
	}
	cfg := filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(binary(t), "-check-config", "-config", cfg).CombinedOutput()
	if code := exitCode(err); code != 1 || !strings.Contains(string(out), "FAILED timeout") || !strings.Contains(string(out), url) {
		t.Errorf("-check-config against a silent directory: exit %d\n%s", code, out)
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

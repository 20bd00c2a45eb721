package identity_test

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gateway/conformance/harness"
)

// provider is a running OpenID provider: zitadel/oidc's example server,
// built from the version op/go.mod pins.
type provider struct {
	issuer string
}

// startProvider builds and runs the provider with one user, bob (sub
// "bob"), and the example's clients web and api (secret "secret").
func startProvider(t *testing.T) *provider {
	t.Helper()
	return startProviderWith(t, "http://127.0.0.1:1/cb")
}

// startProviderWith is startProvider with the redirect URIs its clients
// accept (the test's own, for the code flow it drives, always).
func startProviderWith(t *testing.T, redirectURIs ...string) *provider {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "op")
	build := exec.Command("go", "build", "-o", bin, "github.com/zitadel/oidc/v3/example/server")
	build.Dir = "op"
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the OpenID provider: %v\n%s", err, out)
	}
	users := filepath.Join(t.TempDir(), "users.json")
	write(t, users, []byte(`{"bob": {"ID": "bob", "Username": "bob", "Password": "sso-pass", "FirstName": "Bob", "LastName": "Builder",
		"Email": "bob@example.org", "EmailVerified": true, "PreferredLanguage": "en"}}`))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", port), "USERS_FILE="+users,
		"REDIRECT_URI="+strings.Join(append(redirectURIs, "http://127.0.0.1:1/cb"), ","))
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "server listening") {
				ready <- true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("the OpenID provider did not start")
	}
	return &provider{issuer: fmt.Sprintf("http://localhost:%d/", port)}
}

// idToken signs bob in at the provider for client (the authorization code
// flow, its login form filled in as a browser would) and returns the ID
// token.
func (p *provider) idToken(t *testing.T, client, user, password string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	next := func(resp *http.Response) string {
		t.Helper()
		resp.Body.Close()
		loc, err := resp.Location()
		if err != nil {
			t.Fatalf("%s: %d without a redirect", resp.Request.URL, resp.StatusCode)
		}
		return loc.String()
	}
	q := url.Values{"client_id": {client}, "redirect_uri": {"http://127.0.0.1:1/cb"}, "response_type": {"code"}, "scope": {"openid profile"}, "state": {"s"}}
	resp, err := c.Get(p.issuer + "auth?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	login, _ := url.Parse(next(resp))
	resp, err = c.PostForm(login.String(), url.Values{"username": {user}, "password": {password}, "id": {login.Query().Get("authRequestID")}})
	if err != nil {
		t.Fatal(err)
	}
	loc := next(resp)
	for !strings.HasPrefix(loc, "http://127.0.0.1:1/") {
		if resp, err = c.Get(loc); err != nil {
			t.Fatal(err)
		}
		loc = next(resp)
	}
	u, _ := url.Parse(loc)
	req, _ := http.NewRequest(http.MethodPost, p.issuer+"oauth/token", strings.NewReader(url.Values{
		"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")}, "redirect_uri": {"http://127.0.0.1:1/cb"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(client, "secret")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		IDToken string `json:"id_token"`
	}
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &tok); err != nil || tok.IDToken == "" {
		t.Fatalf("the token endpoint: %d %s", resp.StatusCode, body)
	}
	return tok.IDToken
}

// TestBearerTokensFromAnOpenIDProvider: an ID token from a real OpenID
// provider signs bob in on every API front end, as the directory knows
// him; tokens for another client, tampered with, or unsigned are refused.
func TestBearerTokensFromAnOpenIDProvider(t *testing.T) {
	op := startProvider(t)
	gw := harness.Start(t, harness.Binary(t), fmt.Sprintf("oidc: {issuer: %q, audiences: [web], username_claim: sub, directory: true}\n", op.issuer))
	token := op.idToken(t, "web", "bob", "sso-pass")
	c := &http.Client{Timeout: 20 * time.Second}
	bearer := []string{"Authorization", "Bearer " + token}

	if _, body, err := post(c, gw.URL+"/xmlrpc", "text/xml", xmlrpcGetItem, bearer...); err != nil || !strings.Contains(body, "Widget") {
		t.Fatalf("XML-RPC with a bearer token: %v %s", err, body)
	}
	if _, body, err := post(c, gw.URL+"/soap/inventory", "text/xml", soapGetItem, bearer...); err != nil || !strings.Contains(body, "Widget") {
		t.Fatalf("SOAP with a bearer token: %v %s", err, body)
	}
	resp, body, err := post(c, gw.URL+"/api/inventory/GetItem", "application/json", `{"sku":"A-1"}`, bearer...)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(body, "Widget") {
		t.Fatalf("JSON with a bearer token: %v %s", err, body)
	}
	req, _ := http.NewRequest(http.MethodGet, gw.URL+"/api/session/whoami", nil)
	req.Header.Set(bearer[0], bearer[1])
	wresp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var who struct {
		Username, DN string
		Groups       []string
	}
	json.NewDecoder(wresp.Body).Decode(&who)
	wresp.Body.Close()
	if who.Username != "bob" || !strings.HasPrefix(who.DN, "uid=bob,") || len(who.Groups) != 1 || who.Groups[0] != "staff" {
		t.Fatalf("whoami with a bearer token: %+v", who)
	}
	if n := strings.Count(gw.Logs(), "audit=login_success user=bob auth=token"); n != 3 {
		t.Errorf("%d token logins, want 3 (one per front end)", n)
	}
	if strings.Contains(gw.Logs(), token) {
		t.Error("a bearer token was logged")
	}

	// Refusals, each with a clear fault.
	other := op.idToken(t, "api", "bob", "sso-pass")
	parts := strings.Split(token, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"sub":"bob"`, `"sub":"alice"`, 1))) + "." + parts[2]
	unsigned := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	for name, c2 := range map[string]struct{ token, want string }{
		"another audience": {other, "another audience"},
		"tampered with":    {tampered, "not valid"},
		"alg none":         {unsigned, "not valid"},
	} {
		_, body, err := post(c, gw.URL+"/xmlrpc", "text/xml", xmlrpcGetItem, "Authorization", "Bearer "+c2.token)
		if err != nil || !strings.Contains(body, "<int>-32001</int>") || !strings.Contains(body, c2.want) {
			t.Errorf("a token %s: %v %s", name, err, body)
		}
	}
}

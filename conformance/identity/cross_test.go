package identity_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"gateway/conformance/harness"
)

// TestOneUserFourCredentials: bob signs in by password over XML-RPC, by
// client certificate over SOAP, by SSO in the portal and by a bearer token
// over JSON; all four clients meet his one perspective, and his XML-RPC
// client is told of each attach and of the JSON client's detach.
func TestOneUserFourCredentials(t *testing.T) {
	p := newPKI(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	op := startProviderWith(t, fmt.Sprintf("https://127.0.0.1:%d/portal/sso/callback", port))
	gw := harness.Start(t, harness.Binary(t), p.tlsYAML("")+
		fmt.Sprintf("oidc: {issuer: %q, audiences: [web], username_claim: sub, directory: true, client_id: web, client_secret: secret}\n", op.issuer),
		fmt.Sprintf("GATEWAY_LISTEN=127.0.0.1:%d", port))
	plain := p.client(nil)

	// 1. A password over XML-RPC; its long-poll watches the perspective.
	_, body, err := post(plain, gw.URL+"/xmlrpc", "text/xml", `<methodCall><methodName>session.login</methodName><params><param><value>bob</value></param><param><value>builder</value></param></params></methodCall>`)
	if err != nil {
		t.Fatal(err)
	}
	xtoken := between(body, "<name>token</name><value><string>", "<")
	events := func(since int, wait int) (int, []string) {
		t.Helper()
		_, body, err := post(plain, gw.URL+"/xmlrpc", "text/xml", fmt.Sprintf(`<methodCall><methodName>session.events</methodName><params><param><value><int>%d</int></value></param><param><value><int>%d</int></value></param></params></methodCall>`, since, wait),
			"X-Gateway-Session", xtoken)
		if err != nil {
			t.Fatal(err)
		}
		var next int
		fmt.Sscan(between(body, "<name>next</name><value><int>", "<"), &next)
		var seen []string
		for _, ev := range strings.Split(body, "<name>kind</name>")[1:] {
			seen = append(seen, between(ev, "<string>", "<")+" "+between(ev, "<name>protocol</name><value><string>", "<"))
		}
		return next, seen
	}
	since, _ := events(0, 0)

	// 2. bob's certificate over SOAP.
	if _, body, err := post(p.client(&p.bob), gw.URL+"/soap/inventory", "text/xml", soapGetItem); err != nil || !strings.Contains(body, "Widget") {
		t.Fatalf("SOAP by certificate: %v %s", err, body)
	}
	// 3. SSO in the portal (a browser's redirects, followed by a client
	// with a cookie jar; Chromium does the same in TestPortalSignInWithSSO).
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Transport: plain.Transport}
	resp, err := browser.Get(gw.URL + "/portal/sso")
	if err != nil {
		t.Fatal(err)
	}
	form, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	id := between(string(form), `name="id" value="`, `"`)
	resp, err = browser.PostForm(op.issuer+"login/username", url.Values{"username": {"bob"}, "password": {"sso-pass"}, "id": {id}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `id="signed-in-with">single sign-on<`) {
		t.Fatalf("the portal after SSO: %s\n%s", resp.Request.URL, page)
	}
	// 4. A bearer token over JSON.
	bearer := op.idToken(t, "web", "bob", "sso-pass")
	if r, body, err := post(plain, gw.URL+"/api/inventory/GetItem", "application/json", `{"sku":"A-1"}`, "Authorization", "Bearer "+bearer); err != nil || r.StatusCode != 200 {
		t.Fatalf("JSON by bearer token: %v %s", err, body)
	}

	// One perspective: four clients, each signed in its own way.
	req, _ := http.NewRequest(http.MethodGet, gw.URL+"/api/session/whoami", nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err = plain.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var who struct {
		Username string
		Clients  []struct{ Protocol string }
	}
	json.NewDecoder(resp.Body).Decode(&who)
	resp.Body.Close()
	got := map[string]bool{}
	for _, c := range who.Clients {
		got[c.Protocol] = true
	}
	if who.Username != "bob" || len(who.Clients) != 4 || !got["xmlrpc"] || !got["soap"] || !got["portal"] || !got["json"] {
		t.Fatalf("whoami: %+v", who)
	}
	for _, how := range []string{"auth=password protocol=xmlrpc", "auth=certificate protocol=soap", "auth=token protocol=portal", "auth=token protocol=json"} {
		if !strings.Contains(gw.Logs(), "audit=login_success user=bob "+how) {
			t.Errorf("no login logged with %s", how)
		}
	}
	next, seen := events(since, 0)
	t.Logf("the XML-RPC client was told: %q", seen)
	for _, want := range []string{"attached soap", "attached portal", "attached json"} {
		if !contains(seen, want) {
			t.Errorf("the XML-RPC client was not told %q: %q", want, seen)
		}
	}
	// The JSON client logs out: the others are told.
	if r, _, err := post(plain, gw.URL+"/api/session/logout", "application/json", ``, "Authorization", "Bearer "+bearer); err != nil || r.StatusCode != 200 {
		t.Fatalf("logout over JSON: %v", err)
	}
	if _, seen = events(next, 5); !contains(seen, "detached json") {
		t.Errorf("the XML-RPC client was not told of the JSON client's logout: %q", seen)
	}
}

func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, to)
	return v
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

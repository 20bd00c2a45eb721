// Package portal_test drives the portal of the built gateway binary in
// Debian's headless Chromium with chromedp: the whole flow with cookies on
// and with cookies refused by the browser, CSRF, and an admin's forced
// logout. Each test saves screenshots in its artifact directory (go test
// -artifacts).
package portal_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gateway/conformance/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

func binary(t *testing.T) string { return harness.Binary(t) }

// The browser helpers live in the harness, which the corpus suite's
// form tests share.
var (
	browser    = harness.Browser
	screenshot = harness.Screenshot
)

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	harness.Do(t, ctx, what, steps...)
}

func value[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	return harness.Value(t, ctx, what, a)
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	return value(t, ctx, "read location", chromedp.Location())
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return value(t, ctx, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

func signIn(t *testing.T, ctx context.Context, base, user, password string) {
	t.Helper()
	harness.SignIn(t, ctx, base, user, password)
}

// xmlrpcCall posts one XML-RPC call with an optional session token.
func xmlrpcCall(t *testing.T, base, token, body string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/xmlrpc", strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml")
	if token != "" {
		req.Header.Set("X-Gateway-Session", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func xmlrpcLogin(t *testing.T, base, user, password string) string {
	t.Helper()
	resp := xmlrpcCall(t, base, "", fmt.Sprintf(`<methodCall><methodName>session.login</methodName><params><param><value>%s</value></param><param><value>%s</value></param></params></methodCall>`, user, password))
	const open = "<name>token</name><value><string>"
	i := strings.Index(resp, open)
	if i < 0 {
		t.Fatalf("login: %s", resp)
	}
	rest := resp[i+len(open):]
	return rest[:strings.Index(rest, "<")]
}

func countRows(t *testing.T, ctx context.Context, selector string) int {
	t.Helper()
	return value(t, ctx, "count "+selector, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, selector)))
}

// waitRows waits up to d for the number of rows matching selector to be want.
func waitRows(t *testing.T, ctx context.Context, selector string, want int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if countRows(t, ctx, selector) == want {
			return
		}
		if time.Now().After(deadline) {
			screenshot(t, ctx, "waitrows")
			t.Fatalf("%s: not %d rows within %v", selector, want, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// flow is the whole user journey: sign in as bob, reserve a Gadget by the
// form, see it listed, watch an XML-RPC client of bob's attach and detach in
// the live panel, log out.
func flow(t *testing.T, blockCookies bool) {
	gw := harness.Start(t, binary(t), "")
	ctx := browser(t, blockCookies)
	signIn(t, ctx, gw.URL, "bob", "builder")
	loc := location(t, ctx)
	if blockCookies != strings.Contains(loc, "/portal/s/") {
		t.Fatalf("cookies blocked=%v but dashboard at %s", blockCookies, loc)
	}
	if username := text(t, ctx, "#username"); username != "bob" {
		t.Fatalf("dashboard shows %q", username)
	}

	do(t, ctx, "reserve a Gadget",
		chromedp.Click(chromedp.CSS(`a[href$="op/inventory/Reserve"]`)),
		chromedp.WaitVisible(chromedp.CSS("#opform")),
		chromedp.SendKeys(chromedp.CSS(`#f-sku`), "B-2"),
		chromedp.SendKeys(chromedp.CSS(`#f-quantity`), "1"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#result")),
	)
	result := text(t, ctx, "#result")
	if !strings.Contains(result, "B-2") || !strings.Contains(result, "R-1") {
		t.Fatalf("Reserve result: %q", result)
	}
	screenshot(t, ctx, "reserved")
	do(t, ctx, "list reservations",
		chromedp.Click(chromedp.CSS("a.brand")),
		chromedp.WaitVisible(chromedp.CSS("#clients")),
		chromedp.Click(chromedp.CSS(`a[href$="op/inventory/MyReservations"]`)),
		chromedp.WaitVisible(chromedp.CSS("#opform")),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#result")),
	)
	result = text(t, ctx, "#result")
	if !strings.Contains(result, "R-1") || !strings.Contains(result, "B-2") {
		t.Fatalf("MyReservations: %q", result)
	}
	// A fault is shown as a message.
	do(t, ctx, "a fault",
		chromedp.Click(chromedp.CSS("a.brand")),
		chromedp.WaitVisible(chromedp.CSS("#clients")),
		chromedp.Click(chromedp.CSS(`a[href$="op/inventory/GetItem"]`)),
		chromedp.WaitVisible(chromedp.CSS("#opform")),
		chromedp.SendKeys(chromedp.CSS(`#f-sku`), "Z-9"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#fault")),
	)
	result = text(t, ctx, "#fault")
	if !strings.Contains(result, "UnknownItem") {
		t.Fatalf("fault: %q", result)
	}

	// The live panel: an XML-RPC client of bob's attaches, then detaches.
	do(t, ctx, "back to the dashboard", chromedp.Click(chromedp.CSS("a.brand")), chromedp.WaitVisible(chromedp.CSS("#clients")))
	time.Sleep(300 * time.Millisecond) // the EventSource connects
	waitRows(t, ctx, `#clients tr[data-protocol="xmlrpc"]`, 0, time.Second)
	token := xmlrpcLogin(t, gw.URL, "bob", "builder")
	start := time.Now()
	waitRows(t, ctx, `#clients tr[data-protocol="xmlrpc"]`, 1, 3*time.Second)
	t.Logf("attach shown in %v", time.Since(start))
	screenshot(t, ctx, "dashboard-live")
	xmlrpcCall(t, gw.URL, token, `<methodCall><methodName>session.logout</methodName></methodCall>`)
	start = time.Now()
	waitRows(t, ctx, `#clients tr[data-protocol="xmlrpc"]`, 0, 3*time.Second)
	t.Logf("detach shown in %v", time.Since(start))

	do(t, ctx, "log out", chromedp.Click(chromedp.CSS("#logout")), chromedp.WaitVisible(chromedp.CSS("#signin")))
	if loc := location(t, ctx); !strings.Contains(loc, "/portal/login") {
		t.Fatalf("after logout at %s", loc)
	}
	if !strings.Contains(gw.Logs(), "reason=logout") {
		t.Error("no detach logged for the browser's logout")
	}
	// A token in a URL never reaches the logs.
	if blockCookies && strings.Contains(gw.Logs(), "/portal/s/") {
		t.Error("a URL with a token was logged")
	}
}

func TestFlowWithCookies(t *testing.T)    { flow(t, false) }
func TestFlowCookiesRefused(t *testing.T) { flow(t, true) }

// TestCSRF: a form posted without the session's form token is refused, with
// or without cookies; with it, the same post works.
func TestCSRF(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	ctx := browser(t, false)
	signIn(t, ctx, gw.URL, "bob", "builder")
	post := func(withToken bool) int {
		js := fmt.Sprintf(`(async () => {
			const body = new URLSearchParams({sku: "A-1", quantity: "1"});
			if (%v) body.set("csrf", document.querySelector('input[name=csrf]').value);
			const r = await fetch("/portal/op/inventory/Reserve", {method: "POST", body});
			return r.status;
		})()`, withToken)
		return value(t, ctx, "post", chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise))
	}
	if s := post(false); s != http.StatusForbidden {
		t.Errorf("without the form token: %d", s)
	}
	if s := post(true); s != http.StatusOK {
		t.Errorf("with the form token: %d", s)
	}
	// A cross-site login post is refused as well.
	req, _ := http.NewRequest(http.MethodPost, gw.URL+"/portal/login", strings.NewReader("username=bob&password=builder"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site login: %d", resp.StatusCode)
	}
	screenshot(t, ctx, "csrf")
}

// TestAdminForcesLogout: alice (admins) sees bob's perspective and logs his
// browser out; bob's browser is sent to the login page, and his XML-RPC
// client, whose own session goes on, is told of the detach.
func TestAdminForcesLogout(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	bob := browser(t, false)
	signIn(t, bob, gw.URL, "bob", "builder")
	xtoken := xmlrpcLogin(t, gw.URL, "bob", "builder")
	alice := browser(t, true)
	signIn(t, alice, gw.URL, "alice", "wonderland")
	do(t, alice, "open admin",
		chromedp.Click(chromedp.CSS(`a[href$="admin"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button.danger`)),
	)
	screenshot(t, alice, "admin")
	// Log out bob's browser client (the portal one in bob's table).
	clientID := value(t, alice, "find bob's browser", chromedp.Evaluate[string](`(() => {
		for (const h of document.querySelectorAll(".perspective h2")) {
			if (h.textContent === "bob") {
				for (const tr of h.parentElement.querySelectorAll("tr[data-client]")) {
					if (tr.children[0].textContent === "portal") return tr.getAttribute("data-client");
				}
			}
		}
		return "";
	})()`))
	if clientID == "" {
		t.Fatal("bob's browser is not listed")
	}
	do(t, alice, "force logout", chromedp.Click(chromedp.CSS(fmt.Sprintf(`tr[data-client=%q] button.danger`, clientID))),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	// Bob's browser is sent to the login page by its live panel.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(location(t, bob), "/portal/login") {
		if time.Now().After(deadline) {
			screenshot(t, bob, "not-redirected")
			t.Fatal("bob's browser was not sent to the login page")
		}
		time.Sleep(100 * time.Millisecond)
	}
	screenshot(t, bob, "forced-out")
	// Bob's XML-RPC client was told, and still works.
	resp := xmlrpcCall(t, gw.URL, xtoken, `<methodCall><methodName>session.events</methodName><params><param><value><int>0</int></value></param><param><value><int>0</int></value></param></params></methodCall>`)
	var kinds []string
	for _, part := range strings.Split(resp, "<name>reason</name><value><string>")[1:] {
		kinds = append(kinds, part[:strings.Index(part, "<")])
	}
	if strings.Join(kinds, ",") != "forced" {
		t.Errorf("bob's XML-RPC client saw detach reasons %v, want [forced]", kinds)
	}
	if !strings.Contains(gw.Logs(), "audit=forced_logout") {
		t.Error("no audit line for the forced logout")
	}
}

// noOverflow reports whether the page is no wider than the window (a
// table that does not fit scrolls inside its own box).
func noOverflow(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	wide := value(t, ctx, "measure "+what, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if wide {
		t.Errorf("%s: the page is wider than the window", what)
	}
}

// TestPortalPolish: a deep link is reached after signing in; every result
// is labelled; clients are shown by program and system with when they
// were last seen; the admin's own browser is marked and not logged out by
// a mis-click; signing out says so; every page fits a 390 px phone.
// Screenshots at 1280 and 390 px go to the artifact directory.
func TestPortalPolish(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	// An XML-RPC client of alice's (Go's net/http), for the client list.
	xmlrpcLogin(t, gw.URL, "alice", "wonderland")
	ctx := browser(t, false)
	do(t, ctx, "a deep link, then sign in",
		chromedp.Navigate(gw.URL+"/portal/op/inventory/GetItem"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "alice"),
		chromedp.SendKeys(chromedp.CSS("#password"), "wonderland"),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#opform")),
	)
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/portal/op/inventory/GetItem") {
		t.Errorf("after signing in from a deep link: %s", loc)
	}
	do(t, ctx, "call GetItem",
		chromedp.SendKeys(chromedp.CSS(`#f-sku`), "A-1"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#result")),
	)
	if r := text(t, ctx, "#result"); !strings.Contains(r, "item") || !strings.Contains(r, "Widget") {
		t.Errorf("the result is not labelled: %q", r)
	}
	if got := value(t, ctx, "read the sku kept", chromedp.Value(chromedp.CSS(`#f-sku`))); got != "A-1" {
		t.Errorf("the form came back with sku %q", got)
	}
	screenshot(t, ctx, "result-desktop")
	do(t, ctx, "the dashboard", chromedp.Navigate(gw.URL+"/portal/"), chromedp.WaitVisible(chromedp.CSS("#clients tr")))
	clients := text(t, ctx, "#clients")
	if !strings.Contains(clients, "Headless Chrome on Linux") || !strings.Contains(clients, "Go net/http") || !strings.Contains(clients, "just now") {
		t.Errorf("client list: %q", clients)
	}
	screenshot(t, ctx, "dashboard-desktop")
	do(t, ctx, "the admin page", chromedp.Navigate(gw.URL+"/portal/admin"), chromedp.WaitVisible(chromedp.CSS("tr.self")))
	if own := text(t, ctx, "tr.self"); !strings.Contains(own, "(you, this browser)") {
		t.Errorf("the admin's own row: %q", own)
	}
	// The own row's button does nothing without the box ticked.
	do(t, ctx, "click Log out on the own row", chromedp.Click(chromedp.CSS("tr.self button")))
	time.Sleep(300 * time.Millisecond)
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/portal/admin") {
		t.Errorf("a mis-click on the own row left the admin page: %s", loc)
	}
	screenshot(t, ctx, "admin-desktop")

	// A phone.
	for _, page := range []struct{ name, path, wait string }{
		{"dashboard", "/portal/", "#clients tr"},
		{"admin", "/portal/admin", "tr.self"},
		{"operation", "/portal/op/inventory/ListItems", "#opform"},
	} {
		do(t, ctx, "the "+page.name+" at 390 px",
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(gw.URL+page.path),
			chromedp.WaitVisible(chromedp.CSS(page.wait)),
		)
		if page.name == "operation" {
			do(t, ctx, "call ListItems", chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#result")))
		}
		noOverflow(t, ctx, page.name+" at 390 px")
		screenshot(t, ctx, page.name+"-phone")
	}
	do(t, ctx, "sign out",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(gw.URL+"/portal/"),
		chromedp.WaitVisible(chromedp.CSS("#logout")),
		chromedp.Click(chromedp.CSS("#logout")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if msg := text(t, ctx, ".flash"); msg != "You signed out." {
		t.Errorf("after signing out: %q", msg)
	}
}

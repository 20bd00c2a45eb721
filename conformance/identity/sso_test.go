package identity_test

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gateway/conformance/harness"
)

// TestPortalSignInWithSSO: in Chromium, the portal's "Sign in with SSO"
// goes to the OpenID provider's login form and back (authorization code
// flow with PKCE), and lands on the dashboard as the directory's bob,
// signed in by single sign-on; logging out ends the gateway session.
func TestPortalSignInWithSSO(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	// The provider knows the gateway's callback before the gateway runs.
	op := startProviderWith(t, fmt.Sprintf("http://127.0.0.1:%d/portal/sso/callback", port))
	gw := harness.Start(t, harness.Binary(t), fmt.Sprintf("oidc: {issuer: %q, audiences: [web], username_claim: sub, directory: true, client_id: web, client_secret: secret}\n", op.issuer),
		fmt.Sprintf("GATEWAY_LISTEN=127.0.0.1:%d", port))
	ctx := harness.Browser(t, false)
	harness.Do(t, ctx, "open the login page and choose SSO",
		chromedp.Navigate(gw.URL+"/portal/op/inventory/GetItem"),
		chromedp.WaitVisible(chromedp.CSS("#sso")),
		chromedp.Click(chromedp.CSS("#sso")),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
	)
	if loc := harness.Value(t, ctx, "at the provider", chromedp.Location()); !strings.HasPrefix(loc, op.issuer) {
		t.Fatalf("SSO went to %s, not the provider", loc)
	}
	harness.Do(t, ctx, "sign in at the provider",
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "bob"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "sso-pass"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#opform")),
	)
	harness.Screenshot(t, ctx, "after-sso")
	if loc := harness.Value(t, ctx, "back at the gateway", chromedp.Location()); !strings.HasSuffix(loc, "/portal/op/inventory/GetItem") {
		t.Fatalf("after SSO at %s, not the page asked for", loc)
	}
	harness.Do(t, ctx, "the dashboard", chromedp.Click(chromedp.CSS("a.brand")), chromedp.WaitVisible(chromedp.CSS("#signed-in-with")))
	who := harness.Value(t, ctx, "who", chromedp.Text(chromedp.CSS("#username")))
	how := harness.Value(t, ctx, "how", chromedp.Text(chromedp.CSS("#signed-in-with")))
	groups := harness.Value(t, ctx, "groups", chromedp.Text(chromedp.CSS("#groups")))
	if who != "bob" || how != "single sign-on" || groups != "staff" {
		t.Fatalf("signed in as %q with %q, groups %q", who, how, groups)
	}
	harness.Do(t, ctx, "log out", chromedp.Click(chromedp.CSS("#logout")), chromedp.WaitVisible(chromedp.CSS("#sso")))
	if !strings.Contains(gw.Logs(), "reason=logout") {
		t.Error("the SSO session did not end at logout")
	}
	// A callback this browser did not start is refused.
	harness.Do(t, ctx, "a forged callback", chromedp.Navigate(gw.URL+"/portal/sso/callback?code=x&state=y"), chromedp.WaitVisible(chromedp.CSS(".error")))
	if msg := harness.Value(t, ctx, "the refusal", chromedp.Text(chromedp.CSS(".error"))); !strings.Contains(msg, "not started here") {
		t.Fatalf("a forged callback: %q", msg)
	}
}

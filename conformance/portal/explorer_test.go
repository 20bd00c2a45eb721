package portal_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gateway/conformance/harness"
)

// swaggerUI installs the swagger-ui-dist package at the version the
// Makefile's explorer target pins, with npm, and returns its folder.
func swaggerUI(t *testing.T) string {
	t.Helper()
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("npm is not installed (make test installs it): %v", err)
	}
	makefile, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^SWAGGER_UI_VERSION := (\S+)$`).FindSubmatch(makefile)
	if m == nil {
		t.Fatal("the Makefile pins no SWAGGER_UI_VERSION")
	}
	dir := t.TempDir()
	cmd := exec.Command(npm, "install", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error", "swagger-ui-dist@"+string(m[1]))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install swagger-ui-dist: %v\n%s", err, out)
	}
	return filepath.Join(dir, "node_modules", "swagger-ui-dist")
}

// cspWatch records, in every document the tab loads, what the page's
// Content-Security-Policy refused (window.__csp).
var cspWatch = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = []; document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`,
	})
	return err
})

// TestAPIExplorer: a signed-in user opens the portal's API explorer
// (Swagger UI from its npm package, served by the gateway under the
// portal's CSP), tries GetItem with their own session and sees the answer;
// with cookies refused too, where the page hands Swagger UI the token.
func TestAPIExplorer(t *testing.T) {
	assets := swaggerUI(t)
	for _, blockCookies := range []bool{false, true} {
		t.Run(fmt.Sprintf("cookies-refused=%v", blockCookies), func(t *testing.T) {
			gw := harness.Start(t, binary(t), fmt.Sprintf("portal: {explorer_assets: %q}\n", assets))
			ctx := browser(t, blockCookies)
			do(t, ctx, "watch the CSP", cspWatch)
			signIn(t, ctx, gw.URL, "bob", "builder")
			const op = `#operations-inventory-inventory_GetItem`
			do(t, ctx, "open the explorer",
				chromedp.Click(chromedp.CSS(`nav a[href$="explorer"]`)),
				chromedp.WaitVisible(chromedp.CSS(op)),
				chromedp.Click(chromedp.CSS(op+` .opblock-summary-control`)),
				chromedp.WaitVisible(chromedp.CSS(op+` textarea.body-param__text`)),
			)
			// Swagger UI's editor is a React input: set its value as typing would.
			value(t, ctx, "type the request", chromedp.Evaluate[bool](`(() => {
				const ta = document.querySelector("`+op+` textarea.body-param__text");
				Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(ta, '{"sku": "A-1"}');
				ta.dispatchEvent(new Event("input", {bubbles: true}));
				return true;
			})()`))
			do(t, ctx, "execute",
				chromedp.Click(chromedp.CSS(op+` button.execute`)),
				chromedp.WaitVisible(chromedp.CSS(op+` .live-responses-table tbody .response-col_status`)),
			)
			deadline := time.Now().Add(10 * time.Second)
			var status, body string
			for time.Now().Before(deadline) {
				status = text(t, ctx, op+` .live-responses-table tbody .response-col_status`)
				body = text(t, ctx, op+` .live-responses-table tbody .response-col_description`)
				if strings.Contains(body, "Widget") {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			screenshot(t, ctx, "explorer")
			if !strings.Contains(status, "200") || !strings.Contains(body, "Widget") || !strings.Contains(body, `"2.5"`) {
				t.Fatalf("GetItem in the explorer: status %q, body %q", status, body)
			}
			// The call ran in bob's own session (the portal's), not a new one.
			if n := strings.Count(gw.Logs(), "audit=login_success"); n != 1 {
				t.Errorf("%d logins for one signed-in user", n)
			}
			if refused := value(t, ctx, "read CSP reports", chromedp.Evaluate[[]string](`Array.isArray(window.__csp) ? window.__csp : ["(the CSP watch did not run)"]`)); len(refused) > 0 {
				t.Errorf("the portal's CSP refused: %q", refused)
			}
		})
	}
}

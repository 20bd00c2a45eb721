package portal

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gateway/examples/inventory"
	"gateway/gateway"
	"gateway/wsdl"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// directory accepts password "pw"; "down" makes it unavailable.
type directory struct{}

func (directory) Authenticate(_ context.Context, c gateway.Credentials) (gateway.Identity, error) {
	switch c.Password {
	case "pw":
		groups := []string{"staff"}
		if c.Username == "alice" {
			groups = append(groups, AdminGroup)
		}
		return gateway.Identity{Username: c.Username, DN: "uid=" + c.Username, DisplayName: strings.ToUpper(c.Username), Groups: groups}, nil
	case "down":
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnavailable, "directory unavailable")
	}
	return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "invalid username or password")
}

func server(t *testing.T) *httptest.Server {
	t.Helper()
	def, err := wsdl.Load("../../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := gateway.NewRegistry(&gateway.Service{Name: "inventory", Definition: def, AllowGroups: []string{"staff"}, Impl: inventory.New()})
	if err != nil {
		t.Fatal(err)
	}
	core := gateway.New(directory{}, gateway.NewMemoryStore(), gateway.NewMemoryEventLog(0), reg, quiet, gateway.Config{})
	h, err := New(core, Options{Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// noRedirect is a client that shows each redirect instead of following it.
func noRedirect(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func send(t *testing.T, c *http.Client, method, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestLoginNegotiationAndPages(t *testing.T) {
	srv := server(t)
	for _, cookies := range []bool{true, false} {
		var jar http.CookieJar
		if cookies {
			jar, _ = cookiejar.New(nil)
		}
		c := noRedirect(jar)
		resp, _ := send(t, c, http.MethodGet, srv.URL+"/portal/", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/portal/login" {
			t.Fatalf("no session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := send(t, c, http.MethodPost, srv.URL+"/portal/login", url.Values{"username": {"bob"}, "password": {"wrong"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Invalid username or password.") {
			t.Errorf("bad password: %d", resp.StatusCode)
		}
		resp, body = send(t, c, http.MethodPost, srv.URL+"/portal/login", url.Values{"username": {"bob"}, "password": {"down"}})
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "directory is unavailable") {
			t.Errorf("directory down: %d", resp.StatusCode)
		}
		resp, _ = send(t, c, http.MethodPost, srv.URL+"/portal/login", url.Values{"username": {"bob"}, "password": {"pw"}})
		check := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(check, "/portal/s/") || !strings.HasSuffix(check, "/check") {
			t.Fatalf("login: %d %s", resp.StatusCode, check)
		}
		resp, _ = send(t, c, http.MethodGet, srv.URL+check, nil)
		base := resp.Header.Get("Location")
		if cookies && base != "/portal/" || !cookies && base != strings.TrimSuffix(check, "check") {
			t.Fatalf("cookies=%v: check sent to %s", cookies, base)
		}
		resp, body = send(t, c, http.MethodGet, srv.URL+base, nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="`+base+`op/inventory/Reserve"`) {
			t.Fatalf("dashboard: %d\n%s", resp.StatusCode, body)
		}
		for header, want := range map[string]string{"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"} {
			if resp.Header.Get(header) != want {
				t.Errorf("%s: %q", header, resp.Header.Get(header))
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP %q", csp)
		}
		csrf := csrfField.FindStringSubmatch(body)[1]
		resp, _ = send(t, c, http.MethodPost, srv.URL+base+"op/inventory/Reserve", url.Values{"sku": {"A-1"}, "quantity": {"2"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("post without the form token: %d", resp.StatusCode)
		}
		resp, body = send(t, c, http.MethodPost, srv.URL+base+"op/inventory/Reserve", url.Values{"sku": {"A-1"}, "quantity": {"2"}, "csrf": {csrf}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="result"`) || !strings.Contains(body, "A-1") {
			t.Errorf("reserve: %d", resp.StatusCode)
		}
		resp, body = send(t, c, http.MethodPost, srv.URL+base+"op/inventory/Reserve", url.Values{"sku": {"A-1"}, "quantity": {"many"}, "csrf": {csrf}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "quantity") {
			t.Errorf("bad quantity: %d", resp.StatusCode)
		}
		resp, _ = send(t, c, http.MethodGet, srv.URL+base+"admin", nil)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("bob on admin: %d", resp.StatusCode)
		}
		resp, _ = send(t, c, http.MethodPost, srv.URL+base+"logout", url.Values{"csrf": {csrf}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("logout: %d", resp.StatusCode)
		}
		resp, _ = send(t, c, http.MethodGet, srv.URL+base, nil)
		if !strings.HasPrefix(resp.Header.Get("Location"), "/portal/login") {
			t.Errorf("after logout: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestAdminPageRendersEveryPerspective(t *testing.T) {
	srv := server(t)
	login := func(user string) (*http.Client, string) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		_, body := send(t, c, http.MethodPost, srv.URL+"/portal/login", url.Values{"username": {user}, "password": {"pw"}})
		return c, body
	}
	login("bob")
	alice, body := login("alice")
	if !strings.Contains(body, `href="/portal/admin"`) {
		t.Fatal("no admin link for an admin")
	}
	resp, body := send(t, alice, http.MethodGet, srv.URL+"/portal/admin", nil)
	if resp.StatusCode != http.StatusOK || strings.Count(body, "Log out the portal client of") != 2 || !strings.Contains(body, "<h2>bob</h2>") {
		t.Fatalf("admin: %d\n%s", resp.StatusCode, body)
	}
}

func TestFormFieldsAndDecoding(t *testing.T) {
	def, err := wsdl.Load("../../wsdl/testdata/forms.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	op := def.Operation("Submit")
	fields := formFields(op.Input)
	var got []string
	var walk func([]*field)
	walk = func(fs []*field) {
		for _, f := range fs {
			got = append(got, f.Name+":"+f.Input)
			walk(f.Children)
		}
	}
	walk(fields)
	want := "title:text,count:number,ratio:number,urgent:checkbox,due:datetime-local,priority:select,tags:textarea," +
		"line[0]:fieldset,line[0].sku:text,line[0].qty:number,line[1]:fieldset,line[1].sku:text,line[1].qty:number"
	if strings.Join(got, ",") != want {
		t.Errorf("fields\n got %s\nwant %s", strings.Join(got, ","), want)
	}
	form := url.Values{"title": {"  spaced  "}, "count": {"7"}, "ratio": {"0.5"}, "urgent": {"on"}, "due": {"2026-11-27T10:30"},
		"priority": {"high"}, "tags": {"a\n\n b \n"}, "line[0].sku": {"X"}, "line[0].qty": {"2"}}
	params, err := decodeForm(op.Input, form)
	if err != nil {
		t.Fatal(err)
	}
	checked, err := gateway.CheckInput(op.Input, params)
	if err != nil {
		t.Fatalf("decoded form does not pass the schema check: %v (%#v)", err, params)
	}
	if checked.String("title") != "  spaced  " || checked.Int("count") != 7 {
		t.Errorf("%#v", checked)
	}
	tags, _ := checked.Get("tags")
	lines, _ := checked.Get("line")
	if len(tags.([]any)) != 2 || len(lines.([]any)) != 1 {
		t.Errorf("tags %v lines %v", tags, lines)
	}
	for name, bad := range map[string]url.Values{
		"count": {"count": {"seven"}}, "due": {"due": {"tomorrow"}}, "line[0].qty": {"line[0].qty": {"x"}},
	} {
		if _, err := decodeForm(op.Input, bad); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzDecodeForm(f *testing.F) {
	def, err := wsdl.Load("../../wsdl/testdata/forms.wsdl")
	if err != nil {
		f.Fatal(err)
	}
	in := def.Operation("Submit").Input
	f.Add("title=x&count=1&line[0].qty=2&tags=a%0Ab")
	f.Add("due=2026-01-01T00:00&urgent=on&priority=low")
	f.Fuzz(func(t *testing.T, query string) {
		form, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		params, err := decodeForm(in, form)
		if err != nil {
			if _, ok := err.(*formError); !ok {
				t.Fatalf("unexpected error type %T", err)
			}
			return
		}
		_, _ = gateway.CheckInput(in, params) // must not panic
	})
}

package portal

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"gateway/examples/inventory"
	"gateway/gateway"
	"gateway/gateway/xmlbind"
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
	reg, err := gateway.NewRegistry(&gateway.Service{Name: "inventory", Definition: def, AllowGroups: []string{"staff"}, Impl: xmlbind.MustMethods(def, inventory.New())})
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
		send(t, c, http.MethodGet, srv.URL+"/portal/login", nil) // the form sets the check cookie
		resp, _ = send(t, c, http.MethodPost, srv.URL+"/portal/login", url.Values{"username": {"bob"}, "password": {"pw"}})
		base := resp.Header.Get("Location")
		// The token goes into the URL only when the check cookie did not come back.
		if resp.StatusCode != http.StatusSeeOther || cookies && base != "/portal/" ||
			!cookies && (!strings.HasPrefix(base, "/portal/s/") || len(base) < len("/portal/s/")+43) {
			t.Fatalf("cookies=%v: login sent to %d %s", cookies, resp.StatusCode, base)
		}
		resp, body = send(t, c, http.MethodGet, srv.URL+base, nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="`+base+`op/inventory/Reserve"`) {
			t.Fatalf("dashboard: %d\n%s", resp.StatusCode, body)
		}
		for header, want := range map[string]string{"Referrer-Policy": "same-origin", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"} {
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
	shape := func(fields []*field) string {
		var got []string
		var walk func([]*field)
		walk = func(fs []*field) {
			for _, f := range fs {
				got = append(got, f.Name+":"+f.Input)
				walk(f.Children)
			}
		}
		walk(fields)
		return strings.Join(got, ",")
	}
	// A new form: the repeated structure has no row yet, only its "add" button.
	want := "title:text,count:number,ratio:number,urgent:checkbox,due:datetime-local,priority:select,tags:textarea," +
		"line:rows,_rows:line:hidden"
	if got := shape(formFields(op.Input, newFormState(nil))); got != want {
		t.Errorf("fields\n got %s\nwant %s", got, want)
	}
	// Two rows added, the first removed: the second's values move up.
	state := newFormState(url.Values{"title": {"t"}, "line[0].sku": {"A"}, "line[1].sku": {"B"}, "line[1].qty": {"5"}})
	state.apply("add:line")
	state.apply("add:line")
	state.apply("remove:line[0]")
	want = "title:text,count:number,ratio:number,urgent:checkbox,due:datetime-local,priority:select,tags:textarea," +
		"line:rows,_rows:line:hidden,line[0]:fieldset,line[0].sku:text,line[0].qty:number"
	if got := shape(formFields(op.Input, state)); got != want || state.values.Get("line[0].sku") != "B" || state.values.Get("line[0].qty") != "5" || state.values.Get("line[1].sku") != "" {
		t.Errorf("after add, add, remove:\n got %s\nwant %s\nvalues %v", got, want, state.values)
	}
	if f := formFields(op.Input, state); f[0].Value != "t" {
		t.Errorf("the form did not come back with its values: %#v", f[0])
	}
	form := url.Values{"title": {"  spaced  "}, "count": {"7"}, "ratio": {"0.5"}, "urgent": {"on"}, "due": {"2026-11-27T10:30"},
		"priority": {"high"}, "tags": {"a\n\n b \n"}, "_rows:line": {"1"}, "line[0].sku": {"X"}, "line[0].qty": {"2"}}
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
		"count": {"count": {"seven"}}, "due": {"due": {"tomorrow"}}, "line[0].qty": {"_rows:line": {"1"}, "line[0].qty": {"x"}},
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
	f.Add("_rows:line=3&line[2].sku=a&line[0].qty=-1&_open=line[1]")
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

// TestLoginCSRF: a login post that a browser says came from elsewhere is
// refused, whether it says so by Origin (including "null", sent by
// sandboxed frames and after cross-origin redirects) or only by
// Sec-Fetch-Site.
func TestLoginCSRF(t *testing.T) {
	srv := server(t)
	for _, c := range []struct {
		name    string
		headers map[string]string
		status  int
	}{
		{"other origin", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"null origin", map[string]string{"Origin": "null"}, http.StatusForbidden},
		{"cross-site, no origin", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-site sibling", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"own page", map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}, http.StatusSeeOther},
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/portal/login", strings.NewReader("username=bob&password=pw"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range c.headers {
			req.Header.Set(k, v)
		}
		resp, err := noRedirect(nil).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", c.name, resp.StatusCode, c.status)
		}
	}
}

// TestTokenLinkDoesNotReplaceCookieSession: an attacker's /portal/s/TOKEN/
// link opened in a browser signed in by cookie leads to the browser's own
// session, and a form posted through it is refused.
func TestTokenLinkDoesNotReplaceCookieSession(t *testing.T) {
	srv := server(t)
	attacker := noRedirect(nil)
	resp, _ := send(t, attacker, http.MethodPost, srv.URL+"/portal/login", url.Values{"username": {"alice"}, "password": {"pw"}})
	link := resp.Header.Get("Location")
	if !strings.HasPrefix(link, "/portal/s/") {
		t.Fatalf("attacker without cookies got %s", link)
	}
	jar, _ := cookiejar.New(nil)
	victim := noRedirect(jar)
	send(t, victim, http.MethodGet, srv.URL+"/portal/login", nil)
	resp, _ = send(t, victim, http.MethodPost, srv.URL+"/portal/login", url.Values{"username": {"bob"}, "password": {"pw"}})
	if loc := resp.Header.Get("Location"); loc != "/portal/" {
		t.Fatalf("victim with cookies sent to %s", loc)
	}
	resp, _ = send(t, victim, http.MethodGet, srv.URL+link+"op/inventory/Reserve", nil)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/portal/op/inventory/Reserve" {
		t.Fatalf("token link in a signed-in browser: %d %s", resp.StatusCode, loc)
	}
	resp, body := send(t, noRedirect(jar), http.MethodGet, srv.URL+"/portal/", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, ">bob<") {
		t.Errorf("the victim's own session: %d", resp.StatusCode)
	}
	resp, _ = send(t, victim, http.MethodPost, srv.URL+link+"logout", url.Values{"csrf": {"x"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a post through the link: %d", resp.StatusCode)
	}
}

// TestRecursiveTypeFormIsBounded: a form of a recursive input type (an
// item of items, folders of folders) and of repeated structures nested
// four deep opens one level per click, and stays bounded however many
// levels and rows a (hostile) post asks for; what the form offers decodes.
func TestRecursiveTypeFormIsBounded(t *testing.T) {
	def, err := wsdl.Load("../../wsdl/testdata/recursive.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	op := def.Operations[0]
	var count func(fs []*field) (n, omitted, depth int)
	count = func(fs []*field) (n, omitted, depth int) {
		for _, f := range fs {
			n++
			if f.Input == "omitted" {
				omitted++
			}
			cn, co, cd := count(f.Children)
			n, omitted, depth = n+cn, omitted+co, max(depth, cd+1)
		}
		return n, omitted, depth
	}
	n, _, depth := count(formFields(op.Input, newFormState(nil)))
	if n > 12 || depth > 3 {
		t.Errorf("a new form: %d controls, %d deep", n, depth)
	}
	// A post that opens everything and asks for the most rows everywhere.
	hostile := url.Values{}
	path := "item"
	for range 40 {
		hostile.Add("_open", path+".parent")
		hostile.Set("_rows:"+path+".attachment", "1000")
		path += ".attachment[0]"
	}
	for _, p := range []string{"wide", "wide[0].l2", "wide[0].l2[0].l3", "wide[0].l2[0].l3[0].l4"} {
		hostile.Set("_rows:"+p, "50")
	}
	n, omitted, depth := count(formFields(op.Input, newFormState(hostile)))
	if n > 3*maxFormFields || depth > 2*maxFormDepth+2 || omitted == 0 {
		t.Fatalf("%d controls, %d left out, %d deep", n, omitted, depth)
	}
	form := url.Values{"item.subject": {"hello"}, "_rows:item.attachment": {"1"}, "item.attachment[0].subject": {"inner"}, "_open": {"folder"}, "folder.name": {"inbox"}}
	params, err := decodeForm(op.Input, form)
	if err != nil {
		t.Fatal(err)
	}
	item, _ := params.Get("item")
	att, _ := item.(gateway.Struct).Get("attachment")
	if item.(gateway.Struct).String("subject") != "hello" || len(att.([]any)) != 1 {
		t.Errorf("decoded %#v", params)
	}
	// A form posted with keys far deeper than offered reads nothing of them.
	deep := "item" + strings.Repeat(".attachment[0]", 50) + ".subject"
	hostile.Set(deep, "x")
	hostile.Set("item.subject", "s")
	if params, err = decodeForm(op.Input, hostile); err != nil || strings.Contains(fmt.Sprint(params), "x") {
		t.Errorf("deep key: %v %v", params, err)
	}
}

// TestEveryCorpusFormRenders: the form of every operation of every corpus
// WSDL (encoded arrays, attributes, derived types, headers, bare and rpc
// styles) builds within its bounds, renders, and decodes an empty post.
func TestEveryCorpusFormRenders(t *testing.T) {
	files, _ := filepath.Glob("../../conformance/wsdls/*.wsdl")
	more, _ := filepath.Glob("../../conformance/wsdls/*/*.wsdl")
	deeper, _ := filepath.Glob("../../conformance/wsdls/*/*/*.wsdl")
	files = append(append(files, more...), deeper...)
	if len(files) < 30 {
		t.Fatalf("%d corpus WSDLs", len(files))
	}
	h, err := New(nil, Options{Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		def, err := wsdl.Load(file)
		if err != nil {
			if strings.HasSuffix(file, "contract.wsdl") {
				continue // the imported half of the WCF service
			}
			t.Fatalf("%s: %v", file, err)
		}
		for _, op := range def.Operations {
			fields := formFields(op.Input, newFormState(nil))
			var buf bytes.Buffer
			v := &view{Title: op.Name, Base: "/portal/", Op: &opView{Service: "s", Name: op.Name}, Fields: fields}
			if err := h.pages["operation"].ExecuteTemplate(&buf, "layout", v); err != nil {
				t.Errorf("%s %s: %v", filepath.Base(file), op.Name, err)
			}
			if _, err := decodeForm(op.Input, url.Values{}); err != nil {
				t.Errorf("%s %s: an empty form: %v", filepath.Base(file), op.Name, err)
			}
		}
	}
}

// findField is the first field, depth first, whose name and input match.
func findField(fs []*field, match func(*field) bool) *field {
	for _, f := range fs {
		if match(f) {
			return f
		}
		if c := findField(f.Children, match); c != nil {
			return c
		}
	}
	return nil
}

// TestFormChoiceTypeAndAny: a choice is a set of radios, each alternative
// with its fields, and only the picked one is read; a value where derived
// types may stand has a type selector (abstract types left out) and shows
// the chosen type's fields; open content is an XML text area read as
// elements.
func TestFormChoiceTypeAndAny(t *testing.T) {
	hl7, err := wsdl.Load("../../conformance/wsdls/hl7v3-choices.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	op := hl7.Operations[0]
	fields := formFields(op.Input, newFormState(nil))
	choice := findField(fields, func(f *field) bool { return f.Input == "choice" })
	if choice == nil || len(choice.Children) != 2 || choice.Children[0].Label != "name + birthTime + deceasedInd + deceasedTime" || choice.Children[1].Label != "id" {
		t.Fatalf("choice: %#v", choice)
	}
	form := url.Values{"patient.name": {"Doe"}, "patient.birthTime": {"2026-01-01"}, "patient.id": {"P-1"}, choice.Name: {"2"}}
	params, err := decodeForm(op.Input, form)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(params); got != "[{patient [{id P-1}]}]" {
		t.Errorf("picked the second alternative: %s", got)
	}
	form.Del(choice.Name) // none picked: both are read, and the core refuses the pair
	params, _ = decodeForm(op.Input, form)
	if _, err := gateway.CheckInput(op.Input, params); err == nil || !strings.Contains(err.Error(), "choice") {
		t.Errorf("two alternatives: %v", err)
	}

	md, err := wsdl.Load("../../conformance/wsdls/sforce-metadata.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	op = md.Operations[0]
	state := newFormState(url.Values{})
	state.apply("add:metadata")
	sel := findField(formFields(op.Input, state), func(f *field) bool { return f.Input == "typeswitch" })
	if sel == nil || strings.Join(sel.Options, ",") != "ApexClass,CustomField" || !sel.Required {
		t.Fatalf("type selector: %#v", sel)
	}
	state = newFormState(url.Values{"_rows:metadata": {"1"}, "metadata[0]._type": {"CustomField"}, "metadata[0].label": {"L"}, "metadata[0].fullName": {"A.B__c"}})
	if findField(formFields(op.Input, state), func(f *field) bool { return f.Name == "metadata[0].label" }) == nil {
		t.Error("the chosen type's own fields are not shown")
	}
	params, err = decodeForm(op.Input, state.values)
	if err != nil {
		t.Fatal(err)
	}
	if checked, err := gateway.CheckInput(op.Input, params); err != nil || fmt.Sprint(checked) != "[{metadata [[{_type CustomField} {fullName A.B__c} {label L}]]}]" {
		t.Errorf("decoded %v: %v", checked, err)
	}

	sp, err := wsdl.Load("../../conformance/wsdls/sharepoint-caml.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	op = sp.Operations[0]
	form = url.Values{"_open": {"query"}, "query._any": {"<Query><Where/></Query>\n <OrderBy/>"}}
	if f := findField(formFields(op.Input, newFormState(form)), func(f *field) bool { return f.Name == "query._any" }); f == nil || f.Input != "textarea" || !strings.Contains(f.Value, "<Where/>") {
		t.Fatalf("open content: %#v", f)
	}
	params, err = decodeForm(op.Input, form)
	if err != nil || fmt.Sprint(params) != "[{query [{_any [<Query><Where/></Query> <OrderBy/>]}]}]" {
		t.Errorf("open content read as %v: %v", params, err)
	}
	form.Set("query._any", "plain text")
	if _, err := decodeForm(op.Input, form); err == nil || !strings.Contains(err.Error(), "query._any") {
		t.Errorf("text for open content: %v", err)
	}
}

func TestSummarizeAgent(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0":                                                                  "Firefox on Linux",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                         "Chrome on Windows",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0":                   "Edge on Windows",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1": "Safari on iOS",
		"Python-xmlrpc/3.11":               "Python xmlrpc.client",
		"Zeep/4.2.1 (www.python-zeep.org)": "zeep",
		"SOAP::Lite/Perl/1.27":             "SOAP::Lite",
		"Go-http-client/1.1":               "Go net/http",
		"":                                 "unknown",
		"AcmeERP/7.2 (build 9)":            "AcmeERP",
	} {
		if got := summarizeAgent(ua); got != want {
			t.Errorf("%q: %q, want %q", ua, got, want)
		}
	}
}

// TestSafeNext: only the portal's own pages are gone on to after login.
func TestSafeNext(t *testing.T) {
	for path, want := range map[string]string{
		"op/inventory/Reserve": "op/inventory/Reserve", "admin": "admin", "": "",
		"//evil.example/x": "", "https://evil.example/": "", "op/../../x": "", "op/a/b/c": "", "op/a": "",
		"op/inventory/%2e%2e": "", "events": "", "logout": "",
	} {
		if got := safeNext(path); got != want {
			t.Errorf("%q: %q, want %q", path, got, want)
		}
	}
}

// TestParamsFromPairs: key=value pairs alone give the shape (rows, opened
// structures), values read by the schema, repeated keys as items; a
// required boolean left out is false, as an unticked box.
func TestParamsFromPairs(t *testing.T) {
	def, err := wsdl.Load("../../wsdl/testdata/forms.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	in := def.Operation("Submit").Input
	params, err := ParamsFromPairs(in, url.Values{"title": {"t"}, "count": {"3"}, "tags": {"a", "b"}, "line[1].sku": {"Y"}, "line[0].sku": {"X"}, "line[0].qty": {"2"}, "_rows:line": {"40"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(params); got != "[{title t} {count 3} {urgent false} {tags [a b]} {line [[{sku X} {qty 2}] [{sku Y}]]}]" {
		t.Errorf("params: %s", got)
	}
	if _, err := ParamsFromPairs(in, url.Values{"count": {"three"}}); err == nil || !strings.Contains(err.Error(), "count") {
		t.Errorf("a value that is not a number: %v", err)
	}
}

func TestExplorerAssets(t *testing.T) {
	def, err := wsdl.Load("../../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := gateway.NewRegistry(&gateway.Service{Name: "inventory", Definition: def, Impl: xmlbind.MustMethods(def, inventory.New())})
	if err != nil {
		t.Fatal(err)
	}
	core := gateway.New(directory{}, gateway.NewMemoryStore(), gateway.NewMemoryEventLog(0), reg, quiet, gateway.Config{})
	if _, err := New(core, Options{Log: quiet, Explorer: fstest.MapFS{"swagger-ui.css": {Data: []byte("x")}}}); err == nil ||
		!strings.Contains(err.Error(), "swagger-ui-bundle.js") {
		t.Fatalf("a folder without Swagger UI's bundle: %v", err)
	}
	assets := fstest.MapFS{
		"swagger-ui-bundle.js": {Data: []byte("/* bundle */")},
		"swagger-ui.css":       {Data: []byte("/* css */")},
		"index.html":           {Data: []byte("<p>not ours to serve</p>")},
	}
	for _, tc := range []struct {
		name     string
		explorer fs.FS
		path     string
		status   int
		want     string
	}{
		{"the bundle", assets, "/portal/static/swagger-ui/swagger-ui-bundle.js", 200, "/* bundle */"},
		{"the stylesheet", assets, "/portal/static/swagger-ui/swagger-ui.css", 200, "/* css */"},
		{"no other file of the package", assets, "/portal/static/swagger-ui/index.html", 404, ""},
		{"no assets installed", nil, "/portal/static/swagger-ui/swagger-ui-bundle.js", 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := New(core, Options{Log: quiet, Explorer: tc.explorer})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
				t.Fatalf("%d %q", rec.Code, rec.Body.String())
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("CSP %q", csp)
			}
		})
	}
	// The page, signed in: Swagger UI's mount point, or how to install it.
	for _, installed := range []bool{true, false} {
		var explorer fs.FS
		if installed {
			explorer = assets
		}
		h, _ := New(core, Options{Log: quiet, Explorer: explorer})
		srv := httptest.NewServer(h)
		jar, _ := cookiejar.New(nil)
		c := noRedirect(jar)
		send(t, c, http.MethodGet, srv.URL+"/portal/login", nil)
		send(t, c, http.MethodPost, srv.URL+"/portal/login", url.Values{"username": {"bob"}, "password": {"pw"}})
		resp, body := send(t, c, http.MethodGet, srv.URL+"/portal/explorer", nil)
		srv.Close()
		want := `id="swagger-ui" data-spec="/api/openapi.json" data-token=""`
		if !installed {
			want = "make explorer"
		}
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("installed=%v: %d\n%s", installed, resp.StatusCode, body)
		}
	}
}

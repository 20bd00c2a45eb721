package hostile_test

// Regressions of the attack and scale findings (issue 13), each against the
// built binary: every one of these failed before its fix.

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gateway/conformance/harness"
	"gateway/ldapauth"
	"gateway/ldapauth/slapdtest"
)

// TestHostileShapesAreCheap: the shapes that took seconds to minutes of
// CPU (text split into 500,000 pieces, one start tag of 10,000
// declarations and prefixed attributes) are answered at once, and with a
// clear fault where a bound is passed. The client gives up after 20 s;
// before the fix the 4 MB body took about two minutes.
func TestHostileShapesAreCheap(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	bob := login(t, gw.URL, "bob", "builder")
	client := &http.Client{Timeout: 20 * time.Second}
	split := func(piece string) string {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><methodCall><methodName>inventory.GetItem</methodName><params><param><value>`)
		for b.Len() < 4_000_000 {
			b.WriteString(piece)
		}
		b.WriteString(`</value></param></params></methodCall>`)
		return b.String()
	}
	var decls strings.Builder
	decls.WriteString(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"`)
	for i := range 10_000 {
		fmt.Fprintf(&decls, ` xmlns:p%d="urn:%d" p%d:a="1"`, i, i, i)
	}
	decls.WriteString(`><m:sku>A-1</m:sku></m:GetItem></s:Body></s:Envelope>`)
	onlyDecls := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"`
	for i := range 100 {
		onlyDecls += fmt.Sprintf(` xmlns:p%d="urn:%d"`, i, i)
	}
	onlyDecls += `/></s:Body></s:Envelope>`
	cases := []struct{ name, url, body, want string }{
		{"text split by comments", "/xmlrpc", split("a<!---->"), "<int>-32500</int>"}, // read whole: no such item
		{"text split by PIs", "/xmlrpc", split("a<?p?>"), "<int>-32500</int>"},
		{"text split by CDATA", "/xmlrpc", split("<![CDATA[a]]>"), "<int>-32500</int>"},
		{"10,000 declarations and attributes on one tag", "/soap/inventory", decls.String(), "more than 256 attributes"},
		{"100 declarations on one tag", "/soap/inventory", onlyDecls, "more than 64 namespace declarations"},
		{"repeated attribute", "/soap/inventory", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" a="1" a="2"><s:Body/></s:Envelope>`, "repeated"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(http.MethodPost, gw.URL+c.url, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "text/xml")
		req.Header.Set("X-Gateway-Session", bob)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Logf("%s: %v", c.name, time.Since(start))
		if !strings.Contains(string(b), c.want) {
			t.Errorf("%s: %s", c.name, clip(string(b)))
		}
	}
	if !gw.Alive() {
		t.Fatal("the gateway died")
	}
}

// TestCookieCallsFromOtherSites: the portal's cookie does not authenticate
// an XML-RPC or SOAP call that a page of another site could make; the
// same call with an XML type from the gateway's own origin, or with the
// token in a header from anywhere, works.
func TestCookieCallsFromOtherSites(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	bob := login(t, gw.URL, "bob", "builder")
	reserve := xmlrpcCall("inventory.Reserve", str("A-1")+"<param><value><int>1</int></value></param>")
	soapReserve := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:Reserve xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku><m:quantity>1</m:quantity></m:Reserve></s:Body></s:Envelope>`
	cookie := "gw_session=" + bob
	cases := []struct {
		name, url, ctype, body string
		headers                []string
		want                   string
	}{
		{"no-cors fetch (text/plain)", "/xmlrpc", "text/plain;charset=UTF-8", reserve, []string{"Cookie", cookie}, "415"},
		{"no content type", "/xmlrpc", "", reserve, []string{"Cookie", cookie}, "<int>-32003</int>"},
		{"form post", "/xmlrpc", "application/x-www-form-urlencoded", reserve, []string{"Cookie", cookie}, "415"},
		{"foreign origin", "/xmlrpc", "text/xml", reserve, []string{"Cookie", cookie, "Origin", "https://evil.example"}, "<int>-32003</int>"},
		{"same-site sibling", "/xmlrpc", "text/xml", reserve, []string{"Cookie", cookie, "Sec-Fetch-Site", "same-site"}, "<int>-32003</int>"},
		{"logout from elsewhere", "/xmlrpc", "", xmlrpcCall("session.logout", ""), []string{"Cookie", cookie}, "<int>-32003</int>"},
		{"soap from a foreign origin", "/soap/inventory", "text/xml", soapReserve, []string{"Cookie", cookie, "Origin", "null"}, "Forbidden"},
		{"own origin", "/xmlrpc", "text/xml", reserve, []string{"Cookie", cookie, "Origin", gw.URL, "Sec-Fetch-Site", "same-origin"}, "<name>reservation</name>"},
		{"header token from anywhere", "/xmlrpc", "text/xml", reserve, []string{"X-Gateway-Session", bob, "Origin", "https://evil.example"}, "<name>reservation</name>"},
		{"basic from anywhere", "/xmlrpc", "text/xml", reserve, []string{"Authorization", "Basic Ym9iOmJ1aWxkZXI=", "Origin", "https://evil.example"}, "<name>reservation</name>"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(http.MethodPost, gw.URL+c.url, strings.NewReader(c.body))
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		for i := 0; i+1 < len(c.headers); i += 2 {
			req.Header.Set(c.headers[i], c.headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := fmt.Sprint(resp.StatusCode) + " " + string(b); !strings.Contains(got, c.want) {
			t.Errorf("%s: %s", c.name, clip(got))
		}
	}
	// Bob's session survived the forged logout.
	if r := post(t, gw.URL+"/xmlrpc", "text/xml", strings.NewReader(xmlrpcCall("session.whoami", "")), "X-Gateway-Session", bob); !strings.Contains(r.body, "<string>bob</string>") {
		t.Errorf("bob's session after a forged logout: %s", clip(r.body))
	}
}

// TestLoginCSRFAndTokenInURL: a login post from a sandboxed frame (Origin
// null) or marked cross-site is refused; a browser that keeps cookies
// never sees its token in a URL.
func TestLoginCSRFAndTokenInURL(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	postLogin := func(headers ...string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, gw.URL+"/portal/login", strings.NewReader("username=bob&password=builder"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := postLogin("Origin", "null"); r.StatusCode != http.StatusForbidden {
		t.Errorf("Origin null: %d", r.StatusCode)
	}
	if r := postLogin("Sec-Fetch-Site", "cross-site"); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site without Origin: %d", r.StatusCode)
	}
	// The login form sets the check cookie; a browser that sends it back
	// is redirected without its token in the URL.
	form, err := noFollow.Get(gw.URL + "/portal/login")
	if err != nil {
		t.Fatal(err)
	}
	form.Body.Close()
	var check string
	for _, c := range form.Cookies() {
		if c.Name == "gw_cookie_check" {
			check = c.Name + "=" + c.Value
		}
	}
	r := postLogin("Cookie", check)
	if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || loc != "/portal/" {
		t.Errorf("with cookies: %d %s", r.StatusCode, loc)
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("login response Cache-Control %q", r.Header.Get("Cache-Control"))
	}
}

// TestLookalikeNamesOnSlapd: against a real slapd, which folds fullwidth
// and mathematical letters, look-alike spellings of alice are alice: one
// perspective, alice's name in whoami, and one throttle count.
func TestLookalikeNamesOnSlapd(t *testing.T) {
	slapd := slapdtest.Start(t, ldapauth.DemoLDIF, nil)
	gw := harness.Start(t, binary(t), fmt.Sprintf(`ldap:
  urls: ["%s"]
  user_base: "ou=people,dc=example,dc=org"
  group_base: "ou=groups,dc=example,dc=org"
`, slapd.URL))
	x := gw.URL + "/xmlrpc"
	plain := login(t, gw.URL, "alice", "wonderland")
	wide := login(t, gw.URL, "ａｌｉｃｅ", "wonderland")
	bold := login(t, gw.URL, "𝐚𝐥𝐢𝐜𝐞", "wonderland")
	for _, tok := range []string{wide, bold} {
		r := post(t, x, "text/xml", strings.NewReader(xmlrpcCall("session.whoami", "")), "X-Gateway-Session", tok)
		if !strings.Contains(r.body, "<name>username</name><value><string>alice</string>") {
			t.Errorf("whoami of a look-alike login: %s", clip(r.body))
		}
		if n := strings.Count(r.body, "<name>protocol</name>"); n != 3 {
			t.Errorf("the look-alike login meets a perspective of %d clients, want alice's 3", n)
		}
	}
	_ = plain
	// Ten failures spread over spellings block every spelling.
	spellings := []string{"bob", "ｂｏｂ", "𝐛𝐨𝐛", "BOB", "Ｂｏｂ"}
	for i := range 10 {
		post(t, x, "text/xml", strings.NewReader(xmlrpcCall("session.login", str(spellings[i%len(spellings)])+str("guess"))))
	}
	for _, s := range spellings {
		r := post(t, x, "text/xml", strings.NewReader(xmlrpcCall("session.login", str(s)+str("builder"))))
		if !strings.Contains(r.body, "<int>-32029</int>") {
			t.Errorf("%q after 10 failures over look-alikes: %s", s, clip(r.body))
		}
	}
}

// TestHardening: the smaller findings.
func TestHardening(t *testing.T) {
	metricsAddr := freeAddr(t)
	gw := harness.Start(t, binary(t), fmt.Sprintf("metrics_listen: %q\nsession: {max_per_user: 5}\n", metricsAddr))
	x := gw.URL + "/xmlrpc"
	// A login over XML-RPC and SOAP is never cached.
	r := post(t, x, "text/xml", strings.NewReader(xmlrpcCall("session.login", str("bob")+str("builder"))))
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("XML-RPC login Cache-Control %q", r.header.Get("Cache-Control"))
	}
	r = post(t, gw.URL+"/soap/session", "text/xml", strings.NewReader(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Login xmlns="urn:gateway:session"><username>bob</username><password>builder</password></Login></s:Body></s:Envelope>`))
	if r.header.Get("Cache-Control") != "no-store" || !strings.Contains(r.body, "token") {
		t.Errorf("SOAP login Cache-Control %q: %s", r.header.Get("Cache-Control"), clip(r.body))
	}
	// A hostile Host never reaches the published WSDL.
	conn, err := net.Dial("tcp", strings.TrimPrefix(gw.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /soap/inventory?wsdl HTTP/1.1\r\nHost: evil'&x:80\r\nConnection: close\r\n\r\n")
	wsdlText, _ := io.ReadAll(conn)
	conn.Close()
	if strings.Contains(string(wsdlText), "evil") || !strings.Contains(string(wsdlText), `location="http://localhost/soap/inventory"`) ||
		!strings.Contains(string(wsdlText), "Vary: Host") {
		t.Errorf("WSDL for a hostile Host:\n%s", clip(string(wsdlText)))
	}
	// Content-Length with Transfer-Encoding: answered, then the connection closes.
	conn, err = net.Dial("tcp", strings.TrimPrefix(gw.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	body := xmlrpcCall("system.listMethods", "")
	fmt.Fprintf(conn, "POST /xmlrpc HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", len(body), body)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Close {
		t.Error("a request with Content-Length and Transfer-Encoding kept its connection")
	}
	resp.Body.Close()
	conn.Close()
	// Request IDs are not a counter.
	ids := map[string]bool{}
	var prev string
	for range 3 {
		id := post(t, x, "text/xml", strings.NewReader(xmlrpcCall("system.listMethods", ""))).header.Get("X-Request-Id")
		if len(id) != 32 || ids[id] || prev != "" && id[:24] == prev[:24] {
			t.Errorf("request IDs %q after %q", id, prev)
		}
		ids[id], prev = true, id
	}
	// Metrics on their own listener only.
	if resp, err := http.Get(gw.URL + "/metrics"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the public port: %v %v", resp.StatusCode, err)
	}
	if m := get(t, "http://"+metricsAddr+"/metrics"); !strings.Contains(m, "gateway_logins_total") {
		t.Errorf("metrics_listen: %s", clip(m))
	}
	// The sixth session of bob evicts the first; a multicall mints one at most.
	first := login(t, gw.URL, "bob", "builder")
	for range 5 {
		login(t, gw.URL, "bob", "builder")
	}
	if r := post(t, x, "text/xml", strings.NewReader(xmlrpcCall("session.whoami", "")), "X-Gateway-Session", first); !strings.Contains(r.body, "<int>-32001</int>") {
		t.Errorf("the oldest of 6 sessions (cap 5) still works: %s", clip(r.body))
	}
	if !strings.Contains(gw.Logs(), "reason=evicted") {
		t.Error("no detach with reason evicted logged")
	}
	var mc strings.Builder
	mc.WriteString(`<?xml version="1.0"?><methodCall><methodName>system.multicall</methodName><params><param><value><array><data>`)
	for range 3 {
		mc.WriteString(`<value><struct><member><name>methodName</name><value>session.login</value></member><member><name>params</name><value><array><data><value>bob</value><value>builder</value></data></array></value></member></struct></value>`)
	}
	mc.WriteString(`</data></array></value></param></params></methodCall>`)
	r = post(t, x, "text/xml", strings.NewReader(mc.String()))
	if strings.Count(r.body, "<name>token</name>") != 1 || strings.Count(r.body, "one session.login per system.multicall") != 2 {
		t.Errorf("multicall of three logins: %s", clip(r.body))
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestRecursiveFormPage: a portal page of a service whose input type is
// recursive (shaped like EWS items) renders, in bounded memory, with each
// level closed until asked for; a post of the form that opens every level
// and asks for the most rows everywhere is still bounded; a user not
// allowed to use it is refused before the form is built.
func TestRecursiveFormPage(t *testing.T) {
	root := harness.Root(t)
	wsdlPath := filepath.Join(root, "wsdl", "testdata", "recursive.wsdl")
	gw := harness.Start(t, binary(t), fmt.Sprintf(`services:
  - name: inventory
    wsdl: examples/inventory/inventory.wsdl
    builtin: inventory
    allow_groups: [staff]
  - name: ews
    wsdl: %s
    allow_groups: [staff]
    backend: {kind: soap, url: "http://127.0.0.1:1/ews", timeout: 1s}
`, wsdlPath))
	before := gw.RSS(t)
	for _, who := range []struct{ user, password string }{{"bob", "builder"}, {"carol", "carol-pass"}} {
		tok := login(t, gw.URL, who.user, who.password)
		for range 20 {
			req, _ := http.NewRequest(http.MethodGet, gw.URL+"/portal/s/"+tok+"/op/ews/CreateItem", nil)
			resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch who.user {
			case "bob":
				if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `name="item.subject"`) || !strings.Contains(string(b), `value="add:item.attachment"`) {
					t.Fatalf("bob's form: %d %s", resp.StatusCode, clip(string(b)))
				}
				if len(b) > 64<<10 {
					t.Errorf("the new form is %d bytes", len(b))
				}
				csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(b)
				if csrf == nil {
					t.Fatal("no form token")
				}
				hostile := url.Values{"csrf": {string(csrf[1])}, "_op": {"add:item.attachment"}}
				path := "item"
				for range 40 {
					hostile.Add("_open", path+".parent")
					hostile.Set("_rows:"+path+".attachment", "1000")
					path += ".attachment[0]"
				}
				req, _ := http.NewRequest(http.MethodPost, gw.URL+"/portal/s/"+tok+"/op/ews/CreateItem", strings.NewReader(hostile.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "not offered by this form") || len(b) > 1<<20 {
					t.Fatalf("the fully opened form: %d, %d bytes %s", resp.StatusCode, len(b), clip(string(b)))
				}
			case "carol":
				if resp.StatusCode != http.StatusForbidden || strings.Contains(string(b), `name="item.subject"`) {
					t.Fatalf("carol's form: %d", resp.StatusCode)
				}
			}
		}
	}
	if grew := gw.RSS(t) - before; grew > 64<<20 {
		t.Errorf("RSS grew by %d MB over 40 page views", grew>>20)
	}
}

// TestDepartedUsersLeaveLittle: 20,000 distinct users of a real slapd log
// in, read their events and log out; what the gateway keeps of them after
// they have all gone is at most 2 KiB each (before: about 24 KB each).
func TestDepartedUsersLeaveLittle(t *testing.T) {
	n := 20_000
	if testing.Short() {
		n = 2_000
	}
	var ldif strings.Builder
	ldif.Write(ldapauth.DemoLDIF)
	ldif.WriteString("\ndn: ou=crowd,dc=example,dc=org\nobjectClass: organizationalUnit\nou: crowd\n")
	for i := range n {
		fmt.Fprintf(&ldif, "\ndn: uid=u%d,ou=crowd,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: u%d\ncn: U %d\nsn: U\nuserPassword: p%d\n", i, i, i, i)
	}
	slapd := slapdtest.Start(t, []byte(ldif.String()), nil)
	gw := harness.Start(t, binary(t), fmt.Sprintf(`ldap:
  urls: ["%s"]
  user_base: "ou=crowd,dc=example,dc=org"
  group_base: "ou=groups,dc=example,dc=org"
  pool_size: 8
`, slapd.URL))
	x := gw.URL + "/xmlrpc"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	call := func(token, body string) string {
		req, _ := http.NewRequest(http.MethodPost, x, strings.NewReader(body))
		req.Header.Set("Content-Type", "text/xml")
		if token != "" {
			req.Header.Set("X-Gateway-Session", token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	tokenRE := regexp.MustCompile(`<name>token</name><value><string>([^<]+)`)
	cycle := func(from, to int) {
		work := make(chan int)
		done := make(chan struct{})
		for range 8 {
			go func() {
				defer func() { done <- struct{}{} }()
				for i := range work {
					m := tokenRE.FindStringSubmatch(call("", xmlrpcCall("session.login", str(fmt.Sprintf("u%d", i))+str(fmt.Sprintf("p%d", i)))))
					if m == nil {
						t.Errorf("login u%d failed", i)
						continue
					}
					call(m[1], xmlrpcCall("session.events", "<param><value><int>0</int></value></param><param><value><int>0</int></value></param>"))
					call(m[1], xmlrpcCall("session.logout", ""))
				}
			}()
		}
		for i := from; i < to; i++ {
			work <- i
		}
		close(work)
		for range 8 {
			<-done
		}
	}
	cycle(0, 1000) // warm up: pools, caches, the heap's own overhead
	if t.Failed() {
		t.FailNow()
	}
	base := gw.RSS(t)
	cycle(1000, n)
	after := gw.RSS(t)
	per := float64(after-base) / float64(n-1000)
	t.Logf("RSS %d MB after 1,000 users, %d MB after %d: %.0f bytes per departed user", base>>20, after>>20, n, per)
	if per > 2048 {
		t.Errorf("%.0f bytes of RSS per departed user, want at most 2 KiB", per)
	}
}

// TestThrottleSurvivesAFlood: failed logins for 3,000 new names from 60
// addresses (50 each, under the address limit) do not wash out the count
// of a blocked user, even with room for only 1,000 names; and an unknown
// name costs the directory a bind, as a wrong password does.
func TestThrottleSurvivesAFlood(t *testing.T) {
	gw := harness.Start(t, binary(t), "trusted_proxies: [\"127.0.0.1/32\"]\nlimits: {throttle_keys: 1000}\n")
	x := gw.URL + "/xmlrpc"
	fail := func(user, addr string) string {
		return post(t, x, "text/xml", strings.NewReader(xmlrpcCall("session.login", str(user)+str("guess"))), "X-Forwarded-For", addr).body
	}
	for range 10 {
		fail("bob", "192.0.2.1")
	}
	for i := range 3000 {
		if body := fail(fmt.Sprintf("name%d", i), fmt.Sprintf("198.51.100.%d", i/50)); !strings.Contains(body, "<int>-32001</int>") {
			t.Fatalf("flood attempt %d: %s", i, clip(body))
		}
	}
	r := post(t, x, "text/xml", strings.NewReader(xmlrpcCall("session.login", str("bob")+str("builder"))), "X-Forwarded-For", "203.0.113.7")
	if !strings.Contains(r.body, "<int>-32029</int>") {
		t.Errorf("bob after the flood: %s", clip(r.body))
	}
	binds := func() int {
		m := regexp.MustCompile(`gateway_ldap_request_duration_seconds_count\{operation="bind",outcome="[^"]+"\} (\d+)`).FindAllStringSubmatch(get(t, gw.URL+"/metrics"), -1)
		n := 0
		for _, v := range m {
			var k int
			fmt.Sscan(v[1], &k)
			n += k
		}
		return n
	}
	before := binds()
	fail("nobody-at-all", "203.0.113.8")
	if got := binds() - before; got != 1 {
		t.Errorf("an unknown user cost %d binds, a wrong password costs 1", got)
	}
}

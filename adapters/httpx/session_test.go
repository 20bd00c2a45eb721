package httpx

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestTokenTransports(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/xmlrpc", nil)
	if Token(r) != "" {
		t.Fatal("token from nowhere")
	}
	r.AddCookie(&http.Cookie{Name: CookieName, Value: "from-cookie"})
	if Token(r) != "from-cookie" {
		t.Errorf("cookie: %q", Token(r))
	}
	r.Header.Set(HeaderName, "from-header")
	if Token(r) != "from-header" {
		t.Errorf("the header wins over the cookie: %q", Token(r))
	}
	w := httptest.NewRecorder()
	SetSession(w, r, "tok")
	c := w.Result().Cookies()[0]
	if c.Name != CookieName || c.Value != "tok" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
		t.Errorf("cookie %+v", c)
	}
	if w.Header().Get(HeaderName) != "tok" {
		t.Error("no X-Gateway-Session header")
	}
}

func TestRemoteAddrTrustsOnlyProxies(t *testing.T) {
	_, proxies, _ := net.ParseCIDR("10.0.0.0/8")
	ra := Proxies{Trusted: []*net.IPNet{proxies}}
	cases := []struct{ remote, fwd, want string }{
		{"192.0.2.1:5000", "203.0.113.9", "192.0.2.1"},                // not a proxy: header ignored
		{"10.1.2.3:5000", "198.51.100.1, 203.0.113.9", "203.0.113.9"}, // proxy: the hop it saw
		{"10.1.2.3:5000", "", "10.1.2.3"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = c.remote
		if c.fwd != "" {
			r.Header.Set("X-Forwarded-For", c.fwd)
		}
		if got := ra.ClientAddr(r); got != c.want {
			t.Errorf("%s via %q: %s, want %s", c.remote, c.fwd, got, c.want)
		}
	}
}

func TestBaseURL(t *testing.T) {
	_, proxies, _ := net.ParseCIDR("10.0.0.0/8")
	ra := Proxies{Trusted: []*net.IPNet{proxies}}
	cases := []struct{ remote, host, proto, fwdHost, public, want string }{
		{"192.0.2.1:1", "gw.local:8080", "", "", "", "http://gw.local:8080"},
		{"192.0.2.1:1", "gw.local:8080", "https", "evil.example", "", "http://gw.local:8080"}, // untrusted: ignored
		{"10.0.0.5:1", "internal:8080", "https", "api.example.com", "", "https://api.example.com"},
		{"10.0.0.5:1", "internal:8080", "https", "api.example.com", "https://public.example/", "https://public.example"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodGet, "/soap/inventory?wsdl", nil)
		r.RemoteAddr, r.Host = c.remote, c.host
		if c.proto != "" {
			r.Header.Set("X-Forwarded-Proto", c.proto)
			r.Header.Set("X-Forwarded-Host", c.fwdHost)
		}
		if got := ra.BaseURL(r, c.public); got != c.want {
			t.Errorf("%+v: %s", c, got)
		}
	}
}

func TestCrossSiteCookieCalls(t *testing.T) {
	_, proxies, _ := net.ParseCIDR("10.0.0.0/8")
	ra := Proxies{Trusted: []*net.IPNet{proxies}}
	cases := []struct {
		name, remote, ctype, origin, fetchSite, fwdHost string
		refused                                         bool
	}{
		{"a desktop client", "192.0.2.1:1", "text/xml", "", "", "", false},
		{"the gateway's own page", "192.0.2.1:1", "text/xml", "http://gw.example", "same-origin", "", false},
		{"typed in the address bar", "192.0.2.1:1", "text/xml", "", "none", "", false},
		{"no content type", "192.0.2.1:1", "", "", "", "", true},
		{"text/plain (no-cors fetch)", "192.0.2.1:1", "text/plain;charset=UTF-8", "", "", "", true},
		{"a form", "192.0.2.1:1", "application/x-www-form-urlencoded", "", "", "", true},
		{"multipart form", "192.0.2.1:1", "multipart/form-data; boundary=x", "", "", "", true},
		{"another site", "192.0.2.1:1", "text/xml", "https://evil.example", "", "", true},
		{"a sibling subdomain", "192.0.2.1:1", "text/xml", "http://gw.example", "same-site", "", true},
		{"cross-site by fetch metadata", "192.0.2.1:1", "text/xml", "", "cross-site", "", true},
		{"sandboxed frame", "192.0.2.1:1", "text/xml", "null", "", "", true},
		{"sandboxed frame, fetch metadata", "192.0.2.1:1", "text/xml", "null", "cross-site", "", true},
		{"own page, Origin hidden by referrer policy", "192.0.2.1:1", "text/xml", "null", "same-origin", "", false},
		{"another port", "192.0.2.1:1", "text/xml", "http://gw.example:8081", "", "", true},
		{"behind a trusted proxy", "10.0.0.1:1", "text/xml", "https://public.example", "same-origin", "public.example", false},
		{"a forwarded host from anyone", "192.0.2.1:1", "text/xml", "https://public.example", "", "public.example", true},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodPost, "http://gw.example/xmlrpc", nil)
		r.RemoteAddr = c.remote
		for k, v := range map[string]string{"Content-Type": c.ctype, "Origin": c.origin, "Sec-Fetch-Site": c.fetchSite, "X-Forwarded-Host": c.fwdHost} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		if why := ra.CrossSite(r); (why != "") != c.refused {
			t.Errorf("%s: refused %v (%q), want %v", c.name, why != "", why, c.refused)
		}
	}
}

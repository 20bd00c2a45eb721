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

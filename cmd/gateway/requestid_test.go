package main

import (
	"context"
	"crypto/aes"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"gateway/gateway"
)

// TestRequestIDs: made IDs are 32 lowercase hex digits, distinct, each
// the hex of the counter enciphered, and each keeps its value after later ones are made (they are
// strings over buffers of their own).
func TestRequestIDs(t *testing.T) {
	ids := newRequestIDs()
	seen := map[string]bool{}
	var first string
	for i := range 10_000 {
		id := ids.next(new(idBuffer))
		block, err := hex.DecodeString(id)
		if err != nil || len(block) != aes.BlockSize {
			t.Fatalf("id %q: %v", id, err)
		}
		ids.block.Decrypt(block, block)
		if n := binary.BigEndian.Uint64(block[8:]); n != uint64(i+1) || binary.BigEndian.Uint64(block[:8]) != 0 {
			t.Fatalf("id %q deciphers to %x, want the counter %d", id, block, i+1)
		}
		if i == 0 {
			first = id
		}
		if len(id) != 32 {
			t.Fatalf("id %q: %d characters, want 32", id, len(id))
		}
		for _, c := range id {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				t.Fatalf("id %q: not lowercase hex", id)
			}
		}
		if seen[id] {
			t.Fatalf("id %q made twice", id)
		}
		seen[id] = true
	}
	if !seen[first] || len(seen) != 10_000 {
		t.Fatalf("first id %q changed or lost", first)
	}
}

// TestWithRequestID: a sane X-Request-ID is echoed and carried in the
// context, whatever case the client spelt the header in; an insane one is
// replaced by a made one.
func TestWithRequestID(t *testing.T) {
	var inContext string
	h := withRequestID(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { inContext = gateway.RequestID(r.Context()) }))
	for _, tc := range []struct{ header, sent, want string }{
		{"X-Request-ID", "trace-me-42", "trace-me-42"},
		{"x-request-id", "abc.DEF_1", "abc.DEF_1"},
		{"X-Request-ID", "bad id\n", ""},
		{"", "", ""},
	} {
		req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		if tc.header != "" {
			req.Header.Set(tc.header, tc.sent)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		got := w.Header().Get("X-Request-ID")
		if tc.want != "" && got != tc.want || tc.want == "" && len(got) != 32 {
			t.Errorf("sent %q as %s: echoed %q", tc.sent, tc.header, got)
		}
		if inContext != got {
			t.Errorf("sent %q: context has %q, response %q", tc.sent, inContext, got)
		}
	}
}

// TestWithRequestIDReusesContext: a request whose context is an engine's
// reusable one (fastserve's) is handed on as it is, its context now
// carrying the request's ID, call after call.
func TestWithRequestIDReusesContext(t *testing.T) {
	var seen *http.Request
	var inContext string
	h := withRequestID(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		seen, inContext = r, gateway.RequestID(r.Context())
	}))
	req := httptest.NewRequestWithContext(gateway.ReusableRequestContext(context.Background()), http.MethodPost, "/xmlrpc", nil)
	for _, sent := range []string{"first-id", "", "third-id"} {
		req.Header.Set("X-Request-ID", sent)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		got := w.Header().Get("X-Request-ID")
		if sent != "" && got != sent || sent == "" && len(got) != 32 {
			t.Errorf("sent %q: echoed %q", sent, got)
		}
		if seen != req {
			t.Errorf("sent %q: the handler got a copy of the request", sent)
		}
		if inContext != got {
			t.Errorf("sent %q: context has %q, response %q", sent, inContext, got)
		}
	}
}

// TestAPIRoutes: the front ends' shortcut chooses what the mux would, for
// every path it takes, and leaves the rest (paths the mux cleans and
// redirects, escaped slashes, other handlers) to the mux.
func TestAPIRoutes(t *testing.T) {
	marker := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("X-Handler", name) })
	}
	mux := http.NewServeMux()
	mux.Handle("/xmlrpc", marker("xmlrpc"))
	mux.Handle("/soap/", marker("soap"))
	mux.Handle("/api/", marker("json"))
	mux.Handle("/admin/api/", marker("admin"))
	mux.Handle("GET /healthz", marker("healthz"))
	routes := &apiRoutes{xmlrpc: marker("xmlrpc"), soap: marker("soap"), json: marker("json"), mux: mux}
	for _, tc := range []struct{ method, target string }{
		{"POST", "/xmlrpc"}, {"GET", "/xmlrpc"}, {"POST", "/xmlrpc/"}, {"POST", "/soap/inventory"}, {"POST", "/soap/"},
		{"GET", "/soap/inventory?wsdl"}, {"POST", "/soap"}, {"POST", "/soap//inventory"}, {"POST", "/soap/./inventory"},
		{"POST", "/soap/../xmlrpc"}, {"POST", "/soap%2Finventory"}, {"POST", "/soap/inv%2Fentory"}, {"POST", "/api/inventory/GetItem"},
		{"GET", "/api/"}, {"GET", "/api"}, {"POST", "/api/inventory//GetItem"}, {"GET", "/admin/api/sessions"}, {"GET", "/healthz"},
		{"POST", "/healthz"}, {"GET", "/nowhere"}, {"OPTIONS", "/xmlrpc"}, {"POST", "/soap/.hidden"}, {"POST", "/soap/inventory/."},
		{"POST", "/soap/inventory/.."}, {"POST", "/api/inventory/GetItem/"}, {"POST", "/api/./inventory/GetItem"},
	} {
		answer := func(h http.Handler) (int, string, string) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tc.method, tc.target, nil))
			return w.Code, w.Header().Get("X-Handler"), w.Header().Get("Location")
		}
		wantCode, wantHandler, wantLocation := answer(mux)
		code, handler, location := answer(routes)
		if code != wantCode || handler != wantHandler || location != wantLocation {
			t.Errorf("%s %s: %d %q %q, the mux says %d %q %q", tc.method, tc.target, code, handler, location, wantCode, wantHandler, wantLocation)
		}
	}
}

// TestIsCleanPath: the shortcut for paths without "//" or "/." answers as
// path.Clean does.
func TestIsCleanPath(t *testing.T) {
	byClean := func(p string) bool {
		c := path.Clean(p)
		return c == p || strings.HasSuffix(p, "/") && len(c)+1 == len(p) && p[:len(c)] == c
	}
	for _, p := range []string{"/", "/xmlrpc", "/xmlrpc/", "/soap/inventory", "/soap//inventory", "/soap/./x", "/soap/../x",
		"/soap/.x", "/soap/x.", "/soap/x/.", "/soap/x/..", "/soap/x/...", "/.", "/..", "//", "", "soap/x", "/a.b/c", "/soap/x//"} {
		if got, want := isCleanPath(p), byClean(p); got != want {
			t.Errorf("isCleanPath(%q) = %v, path.Clean says %v", p, got, want)
		}
	}
}

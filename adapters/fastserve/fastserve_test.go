package fastserve

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// echo answers with what it saw of the request, and with the headers,
// status and body the request asks for (X-Answer-*), so that one client
// can hold the bridge to net/http's own server.
func echo(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Panic") != "" {
		panic("asked to")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s path=%q query=%q uri=%q host=%q proto=%s close=%v len=%d remote=%v tls=%v\n",
		r.Method, r.URL.String(), r.URL.Path, r.URL.RawQuery, r.RequestURI, r.Host, r.Proto, r.Close, r.ContentLength, r.RemoteAddr != "", r.TLS != nil)
	writeHeader(&b, r.Header, false, "Accept-Encoding", "User-Agent")
	fmt.Fprintf(&b, "body %q\n", body)
	for _, c := range r.Header.Values("X-Answer-Header") {
		k, v, _ := strings.Cut(c, "=")
		w.Header().Add(k, v)
	}
	if ct := r.Header.Get("X-Answer-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	status := http.StatusOK
	fmt.Sscan(r.Header.Get("X-Answer-Status"), &status)
	if r.Header.Get("X-Answer-Silent") != "" {
		w.WriteHeader(status)
		return
	}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	if r.Header.Get("X-Answer-Raw") != "" {
		io.WriteString(w, "<html><body>sniffed</body></html>")
		return
	}
	io.WriteString(w, b.String())
}

// stream is a GET that flushes twice, as the event streams do.
func stream(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
	io.WriteString(w, "data: one\n\n")
	w.(http.Flusher).Flush()
	io.WriteString(w, "data: two\n\n")
}

// writeHeader writes h's fields, sorted by name, but for skip; their
// values in order, or sorted.
func writeHeader(b *strings.Builder, h http.Header, sortValues bool, skip ...string) {
	var keys []string
	for k := range h {
		if !slices.Contains(skip, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := slices.Clone(h[k])
		if sortValues {
			sort.Strings(v)
		}
		fmt.Fprintf(b, "%s: %q\n", k, v)
	}
}

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/stream", stream)
	mux.HandleFunc("/", echo)
	return mux
}

// serveBoth starts the handler on net/http and on fastserve.
func serveBoth(t *testing.T, o Options) (netURL, fastURL string) {
	t.Helper()
	ref := httptest.NewServer(handler())
	t.Cleanup(ref.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	srv := New(context.Background(), handler(), o)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return ref.URL, "http://" + ln.Addr().String()
}

// exchange sends raw on a fresh connection and returns the response as a
// client sees it (status, the headers that are not per-server, body) and
// whether the server kept the connection.
func rawExchange(t *testing.T, base, raw string) (string, bool) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	method, _, _ := strings.Cut(raw, " ")
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		return "no response: " + err.Error(), false
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "%d\n", resp.StatusCode)
	// An answer's Set-Cookie lines may come in either order.
	writeHeader(&b, resp.Header, true, "Date", "Server")
	b.Write(body)
	return b.String(), !resp.Close
}

func post(path, headers, body string) string {
	return fmt.Sprintf("POST %s HTTP/1.1\r\nHost: gw.example\r\n%sContent-Length: %d\r\n\r\n%s", path, headers, len(body), body)
}

// TestBridgeAsNetHTTP: every request a handler sees through the bridge,
// and every answer a client gets from it, is what net/http gives.
func TestBridgeAsNetHTTP(t *testing.T) {
	netURL, fastURL := serveBoth(t, Options{MaxHeaderBytes: 64 << 10, MaxBodyBytes: 1 << 20})
	cases := []struct{ name, raw string }{
		{"xml-rpc call", post("/xmlrpc", "Content-Type: text/xml\r\nX-Gateway-Session: tok\r\n", "<methodCall/>")},
		{"query and repeated header", post("/soap/inventory?x=1&y=%20", "Accept: a\r\nAccept: b\r\nCookie: gw_session=abc; other=1\r\n", "b")},
		{"escaped path", post("/soap/a%2Fb", "", "b")},
		{"unclean path", post("/api/../xmlrpc", "", "")},
		{"absolute target", "POST http://gw.example/xmlrpc HTTP/1.1\r\nHost: gw.example\r\nContent-Length: 1\r\n\r\nx"},
		{"HTTP/1.0", "POST /xmlrpc HTTP/1.0\r\nHost: gw.example\r\nContent-Length: 2\r\n\r\nhi"},
		{"connection close", post("/xmlrpc", "Connection: close\r\n", "x")},
		{"answer headers and status", post("/xmlrpc", "X-Answer-Header: Set-Cookie=a=1; Path=/\r\nX-Answer-Header: Set-Cookie=b=2; Path=/\r\nX-Answer-Header: Cache-Control=no-store\r\nX-Answer-Type: text/xml\r\nX-Answer-Status: 500\r\n", "")},
		{"answer closes", post("/xmlrpc", "X-Answer-Header: Connection=close\r\n", "")},
		{"sniffed type", post("/xmlrpc", "X-Answer-Raw: 1\r\n", "")},
		{"no content", post("/xmlrpc", "X-Answer-Status: 204\r\nX-Answer-Silent: 1\r\n", "")},
		{"header only", post("/xmlrpc", "X-Answer-Status: 401\r\nX-Answer-Silent: 1\r\nX-Answer-Header: WWW-Authenticate=Basic realm=\"gw\"\r\n", "")},
		{"GET through the adaptor", "GET /soap/inventory?wsdl HTTP/1.1\r\nHost: gw.example\r\n\r\n"},
		{"HEAD", "HEAD /x HTTP/1.1\r\nHost: gw.example\r\n\r\n"},
		{"stream", "GET /stream HTTP/1.1\r\nHost: gw.example\r\n\r\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, wantKept := rawExchange(t, netURL, c.raw)
			got, gotKept := rawExchange(t, fastURL, c.raw)
			if got != want {
				t.Errorf("fasthttp:\n%s\nnet/http:\n%s", got, want)
			}
			if gotKept != wantKept {
				t.Errorf("connection kept: fasthttp %v, net/http %v", gotKept, wantKept)
			}
		})
	}
}

// TestChunked: a chunked body reaches the handler whole, and the
// connection closes after the answer (net/http leaves that to the handler,
// which in the gateway closes it too).
func TestChunked(t *testing.T) {
	_, fastURL := serveBoth(t, Options{MaxHeaderBytes: 64 << 10, MaxBodyBytes: 1 << 20})
	got, kept := rawExchange(t, fastURL, "POST /xmlrpc HTTP/1.1\r\nHost: gw.example\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
	if kept || !strings.Contains(got, `body "abc"`) || !strings.Contains(got, "close=true") {
		t.Errorf("chunked (kept %v): %s", kept, got)
	}
}

// TestRefusals: what fasthttp refuses before any handler gets net/http's
// statuses, and the client reads them even while it is still sending.
func TestRefusals(t *testing.T) {
	_, fastURL := serveBoth(t, Options{MaxHeaderBytes: 8 << 10, MaxBodyBytes: 1 << 20, ReadHeaderTimeout: 500 * time.Millisecond})
	big := strings.Repeat("x", 3<<20)
	if resp, err := http.Post(fastURL+"/xmlrpc", "text/xml", strings.NewReader(big)); err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("3 MB body: %v %v", resp, err)
	}
	// Without Content-Length (chunked): refused once the limit is passed.
	if resp, err := http.Post(fastURL+"/xmlrpc", "text/xml", io.MultiReader(strings.NewReader(big))); err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("3 MB chunked body: %v %v", resp, err)
	}
	req, _ := http.NewRequest(http.MethodPost, fastURL+"/xmlrpc", nil)
	for i := range 400 {
		req.Header.Set(fmt.Sprintf("X-Junk-%d", i), strings.Repeat("j", 40))
	}
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("too many headers: %v %v", resp, err)
	}
	if got, _ := rawExchange(t, fastURL, "POST /xmlrpc HTTP/1.1\r\nHost: x\r\n"); !strings.HasPrefix(got, "408") && !strings.HasPrefix(got, "no response") {
		t.Errorf("slow header: %s", got)
	}
	if got, _ := rawExchange(t, fastURL, "POST /xmlrpc HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n"); !strings.HasPrefix(got, "400") {
		t.Errorf("bad Content-Length: %s", got)
	}
	if got, kept := rawExchange(t, fastURL, "POST %zz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"); !strings.HasPrefix(got, "400") || kept {
		t.Errorf("unparsable target (kept %v): %s", kept, got)
	}
	// A handler's panic drops its connection; the server serves on.
	if got, kept := rawExchange(t, fastURL, post("/xmlrpc", "X-Panic: 1\r\n", "")); kept || !strings.HasPrefix(got, "500") && !strings.HasPrefix(got, "no response") {
		t.Errorf("panic: %s (kept %v)", got, kept)
	}
	if got, _ := rawExchange(t, fastURL, post("/xmlrpc", "", "after")); !strings.Contains(got, `body "after"`) {
		t.Errorf("after the panic: %s", got)
	}
}

// TestKeepAliveReuse: calls on one connection each see their own
// request, none of the one before (the bridge's pooled state is reset).
func TestKeepAliveReuse(t *testing.T) {
	_, fastURL := serveBoth(t, Options{MaxHeaderBytes: 64 << 10, MaxBodyBytes: 1 << 20})
	c, err := net.Dial("tcp", strings.TrimPrefix(fastURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for i := range 20 {
		hdr := ""
		if i%2 == 0 {
			hdr = fmt.Sprintf("X-Even: %d\r\n", i)
		}
		fmt.Fprint(c, post(fmt.Sprintf("/xmlrpc?i=%d", i), hdr, strings.Repeat("b", 20-i)))
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got := string(body)
		if !strings.Contains(got, fmt.Sprintf(`query="i=%d"`, i)) || !strings.Contains(got, fmt.Sprintf(`body %q`, strings.Repeat("b", 20-i))) ||
			strings.Contains(got, "X-Even") != (i%2 == 0) {
			t.Errorf("call %d saw:\n%s", i, got)
		}
	}
}

// TestExchangeContext: with ExchangeContext, a POST's context is one it
// made over the server's (whose values still reach the handler), made once
// per reused request object, not per request.
func TestExchangeContext(t *testing.T) {
	type serverKey struct{}
	type madeKey struct{}
	var made atomic.Int64
	var bad atomic.Value // string: what a handler saw wrong
	o := Options{MaxHeaderBytes: 64 << 10, MaxBodyBytes: 1 << 20, Log: slog.New(slog.DiscardHandler),
		ExchangeContext: func(parent context.Context) context.Context {
			return context.WithValue(parent, madeKey{}, made.Add(1))
		}}
	srv := New(context.WithValue(context.Background(), serverKey{}, "server"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(madeKey{}) == nil || r.Context().Value(serverKey{}) != "server" {
			bad.Store(fmt.Sprintf("context %v", r.Context()))
		}
	}), o)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	const calls = 50
	for range calls {
		fmt.Fprint(c, post("/xmlrpc", "", "b"))
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if b := bad.Load(); b != nil {
		t.Errorf("a handler saw %s", b)
	}
	// Pooled objects may be dropped by a collection (and by the race
	// detector, a quarter of them on purpose) and made again.
	if n := made.Load(); n < 1 || n > calls/2 {
		t.Errorf("ExchangeContext called %d times for %d calls on one connection", n, calls)
	}
}

// TestReadAhead: a request whose bytes come in pieces, and requests
// pipelined in one write, are each read whole and answered in order (the
// connection's read-ahead hands out what it read and no more).
func TestReadAhead(t *testing.T) {
	_, fastURL := serveBoth(t, Options{MaxHeaderBytes: 64 << 10, MaxBodyBytes: 1 << 20, IdleTimeout: time.Second})
	c, err := net.Dial("tcp", strings.TrimPrefix(fastURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	read := func(want string) {
		t.Helper()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), want) {
			t.Errorf("want %q in:\n%s", want, body)
		}
	}
	split := post("/xmlrpc?split", "", strings.Repeat("s", 6000)) // larger than one read-ahead buffer
	for _, piece := range []string{split[:1], split[1:20], split[20:5000], split[5000:]} {
		io.WriteString(c, piece)
		time.Sleep(20 * time.Millisecond)
	}
	read(`query="split"`)
	io.WriteString(c, post("/xmlrpc?one", "", "1")+post("/xmlrpc?two", "", "22")+post("/xmlrpc?three", "", "333"))
	read(`body "1"`)
	read(`body "22"`)
	read(`body "333"`)
	// Idle past IdleTimeout: the server closes the connection.
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("an idle connection: %v, want EOF", err)
	}
}

// Package fastserve serves an http.Handler on fasthttp's HTTP/1.1 engine.
//
// Why: on this gateway's API calls net/http's own per-request work (a
// request and header map built for every request, a context cancelled at
// its end, a background read armed and aborted around each handler, a
// buffered writer per response) was most of a call's CPU, and more than a
// whole SOAP call costs in gSOAP; fasthttp parses into buffers it reuses
// per connection. See docs/benchmarks.md for the figures that decided it.
//
// How: a POST (every API call, every form post) is read whole by fasthttp
// and handed to the handler synchronously through a pooled bridge: an
// *http.Request whose header map, URL and body are refilled per request, and
// a buffered http.ResponseWriter whose answer is copied into fasthttp's
// response. Every other request (the portal's pages, WSDLs, the event
// streams that flush, a hijack) goes through fasthttpadaptor, which runs the
// handler beside the connection and supports Flush and Hijack. The handler is
// the same one net/http would serve: the front ends do not know which engine
// runs them.
package fastserve

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

// Options are the engine's limits; they mirror http.Server's.
type Options struct {
	// ReadHeaderTimeout bounds reading a request's header (a slow-header
	// client is cut off then); ReadTimeout bounds the whole request.
	ReadHeaderTimeout, ReadTimeout time.Duration
	WriteTimeout, IdleTimeout      time.Duration
	// MaxHeaderBytes bounds a request's line and header (431 beyond).
	MaxHeaderBytes int
	// MaxBodyBytes bounds a request body the engine reads (413 beyond); a
	// handler may refuse less.
	MaxBodyBytes int
	// TLS, when set, is the listener's TLS configuration (it must carry the
	// certificate). The engine speaks HTTP/1.1 only.
	TLS *tls.Config
	Log *slog.Logger
	// ExchangeContext, when set, makes the context of each reused request
	// object from the server's: called once per object, not per request,
	// so a handler can keep per-request values in a context of its own
	// kind without r.WithContext's copy of the request (the gateway keeps
	// its request ID there: gateway.ReusableRequestContext).
	ExchangeContext func(parent context.Context) context.Context
}

// Server serves one http.Handler.
type Server struct {
	fast    fasthttp.Server
	handler http.Handler
	slow    fasthttp.RequestHandler // fasthttpadaptor over handler
	tmpl    *http.Request           // carries the context every bridged request gets
	pool    sync.Pool               // *exchange
	exCtx   func(context.Context) context.Context
	log     *slog.Logger
	tls     *tls.Config
}

// New returns a server of h. ctx is the context of every request; cancel
// it only once the server is shut down.
func New(ctx context.Context, h http.Handler, o Options) *Server {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	s := &Server{handler: h, slow: fasthttpadaptor.NewFastHTTPHandler(withoutHost(h)), log: o.Log, tls: o.TLS, exCtx: o.ExchangeContext}
	s.tmpl = (&http.Request{}).WithContext(ctx)
	s.pool.New = func() any { return s.newExchange() }
	readTimeout := o.ReadTimeout
	s.fast = fasthttp.Server{
		Handler: s.serve,
		// The header must arrive within ReadHeaderTimeout (counted from the
		// connection's opening, or from a keep-alive request's first byte);
		// the body then gets ReadTimeout of its own (HeaderReceived).
		ReadTimeout:  o.ReadHeaderTimeout,
		WriteTimeout: o.WriteTimeout,
		IdleTimeout:  o.IdleTimeout,
		HeaderReceived: func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
			if h.ContentLength() == -1 {
				// A chunked request: its Content-Length, if it had one, is
				// gone by now, and once its body is read so is its
				// Transfer-Encoding. This one and a smuggling attempt cannot
				// be told apart: the connection closes after the answer, as
				// RFC 9112 asks for the ambiguous one. (net/http hands the
				// handler Transfer-Encoding and an unknown length instead,
				// and the gateway's handler closes the connection then.)
				h.SetConnectionClose()
			}
			return fasthttp.RequestConfig{ReadTimeout: readTimeout}
		},
		ReadBufferSize: o.MaxHeaderBytes,
		// A response goes out in one write up to this size (a multicall's
		// answer is past fasthttp's 4 KB default). With ReduceMemoryUsage
		// the buffer is pooled between responses, not held per connection.
		WriteBufferSize:    writeBufferSize,
		MaxRequestBodySize: o.MaxBodyBytes,
		// An idle keep-alive connection holds no read buffer: thousands of
		// them would otherwise hold MaxHeaderBytes each.
		ReduceMemoryUsage:            true,
		DisablePreParseMultipartForm: true,
		NoDefaultServerHeader:        true,
		NoDefaultContentType:         true,
		CloseOnShutdown:              true,
		Logger:                       fastLogger{o.Log},
		ErrorHandler:                 errorAnswer,
	}
	return s
}

// withoutHost drops the Host header fasthttpadaptor leaves in the header
// map: net/http moves it to Request.Host only.
func withoutHost(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		delete(r.Header, "Host")
		h.ServeHTTP(w, r)
	})
}

const writeBufferSize = 16 << 10

// errorAnswer is the answer to a request fasthttp could not read: the
// statuses net/http gives for the same faults.
func errorAnswer(ctx *fasthttp.RequestCtx, err error) {
	var small *fasthttp.ErrSmallBuffer
	var timeout interface{ Timeout() bool }
	switch {
	case errors.As(err, &small):
		ctx.Error("431 Request Header Fields Too Large", fasthttp.StatusRequestHeaderFieldsTooLarge)
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		ctx.Error("413 Request Entity Too Large", fasthttp.StatusRequestEntityTooLarge)
	case errors.As(err, &timeout) && timeout.Timeout():
		ctx.Error("408 Request Timeout", fasthttp.StatusRequestTimeout)
	default:
		ctx.Error("400 Bad Request", fasthttp.StatusBadRequest)
	}
	ctx.SetConnectionClose()
	lingerOnClose(ctx.Conn())
}

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	ln = listener{ln}
	if s.tls != nil {
		cfg := s.tls.Clone()
		cfg.NextProtos = []string{"http/1.1"}
		ln = tls.NewListener(ln, cfg)
	}
	return s.fast.Serve(ln)
}

// Shutdown stops accepting, closes idle connections and waits for the
// requests in flight, until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.fast.ShutdownWithContext(ctx)
}

func (s *Server) serve(ctx *fasthttp.RequestCtx) {
	if !ctx.IsPost() {
		s.slow(ctx)
		return
	}
	x := s.pool.Get().(*exchange)
	defer s.pool.Put(x)
	defer x.reset() // before it is pooled
	r, err := x.request(ctx)
	if err != nil {
		errorAnswer(ctx, err) // a target net/http would not parse either: 400
		return
	}
	if s.call(x, r) {
		x.w.finish()
	}
}

// call runs the handler. A panic is logged, as net/http logs it, and
// answered 500 with the connection closed (net/http closes it without an
// answer); the process stays up.
func (s *Server) call(x *exchange, r *http.Request) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler { //nolint:errorlint // net/http compares it so too
				s.log.Error("http: panic serving "+r.RemoteAddr, "panic", fmt.Sprint(v))
			}
			x.w.ctx.Error("500 Internal Server Error", fasthttp.StatusInternalServerError)
			x.w.ctx.SetConnectionClose()
			ok = false
		}
	}()
	s.handler.ServeHTTP(&x.w, r)
	return true
}

// exchange is one bridged request and its response, reused.
type exchange struct {
	tmpl   *http.Request // what req starts as: the exchange's context
	req    http.Request
	url    url.URL
	header http.Header
	body   body
	w      writer
	vals   []string // backing of the header map's one-value slices
	// The last request's strings, reused while they are the same.
	last         map[string]string
	lastAddr     *net.TCPAddr // the connection's own: the same pointer call after call
	lastAddrText string
}

func (s *Server) newExchange() *exchange {
	x := &exchange{tmpl: s.tmpl, header: make(http.Header, 8), w: writer{header: make(http.Header, 8)}, last: make(map[string]string, 8)}
	if s.exCtx != nil {
		x.tmpl = s.tmpl.WithContext(s.exCtx(s.tmpl.Context()))
	}
	return x
}

// request fills x's request from ctx. Every string it holds is a copy:
// a handler may keep one (a session keeps its client's User-Agent).
func (x *exchange) request(ctx *fasthttp.RequestCtx) (*http.Request, error) {
	r := &x.req
	*r = *x.tmpl
	uri := ctx.Request.Header.RequestURI() // as sent, as net/http keeps it
	path, query := uri, []byte(nil)
	if i := bytes.IndexByte(uri, '?'); i >= 0 {
		path, query = uri[:i], uri[i+1:]
	}
	if len(path) == 0 || path[0] != '/' || bytes.IndexByte(path, '%') >= 0 {
		// An escaped or unusual target: parsed as net/http would.
		u, err := url.ParseRequestURI(string(uri))
		if err != nil {
			return nil, err
		}
		x.url = *u
	} else {
		x.url = url.URL{Path: x.again(":path", path)}
		if len(query) > 0 {
			x.url.RawQuery = string(query)
		}
	}
	r.URL = &x.url
	r.RequestURI = x.url.Path
	if len(query) > 0 || r.RequestURI != string(uri) {
		r.RequestURI = string(uri)
	}
	r.Method = http.MethodPost
	h := &ctx.Request.Header
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.1", 1, 1
	if !h.IsHTTP11() {
		r.Proto, r.ProtoMinor = "HTTP/1.0", 0
	}
	clear(x.header)
	x.vals = x.vals[:0]
	for k, v := range h.All() {
		key := headerKey(k)
		switch key {
		case "Host":
			r.Host = x.again(":host", v)
			continue
		case "Transfer-Encoding":
			continue
		case "Connection":
			if !sentHeader(h.RawHeaders(), "connection:") {
				continue // fasthttp's own, for a request it will close
			}
		}
		val := x.again(key, v)
		if old, ok := x.header[key]; ok {
			x.header[key] = append(old[:len(old):len(old)], val)
			continue
		}
		x.vals = append(x.vals, val)
		n := len(x.vals)
		x.header[key] = x.vals[n-1 : n : n]
	}
	r.Header = x.header
	r.Close = h.ConnectionClose()
	b := ctx.PostBody()
	x.body.b, x.body.off = b, 0
	r.Body = &x.body
	r.ContentLength = int64(len(b))
	if addr, ok := ctx.RemoteAddr().(*net.TCPAddr); !ok || addr != x.lastAddr {
		x.lastAddr, x.lastAddrText = addr, ctx.RemoteAddr().String()
	}
	r.RemoteAddr = x.lastAddrText
	if ctx.IsTLS() {
		r.TLS = ctx.TLSConnectionState()
	}
	x.w.ctx = ctx
	return r, nil
}

// reset drops what the exchange refers to before it is pooled.
func (x *exchange) reset() {
	x.req = http.Request{}
	x.url = url.URL{}
	clear(x.vals)
	x.body = body{}
	x.w.reset()
}

// sentHeader reports whether raw, a request's header lines as sent,
// has a line that starts with name (lower case, with its colon).
func sentHeader(raw []byte, name string) bool {
	for line := range strings.SplitSeq(string(raw), "\n") {
		if len(line) >= len(name) && strings.EqualFold(line[:len(name)], name) {
			return true
		}
	}
	return false
}

// knownKeys are the header names most calls carry, taken from this table
// rather than copied.
var knownKeys = []string{"Host", "Content-Type", "Content-Length", "User-Agent", "Accept", "Accept-Encoding", "Connection", "Cookie", "Authorization", "Soapaction", "Transfer-Encoding", "X-Gateway-Session", "X-Request-Id", "Origin", "Referer", "Sec-Fetch-Site", "Expect"}

func headerKey(b []byte) string {
	for _, s := range knownKeys {
		if string(b) == s {
			return s
		}
	}
	return string(b)
}

// again is b as a string: the one this exchange made for the same key in
// an earlier request when it is the same text (a client sends the same
// path, Host, token and User-Agent call after call), else a copy. A
// handler may keep the string: strings do not change.
func (x *exchange) again(key string, b []byte) string {
	if last, ok := x.last[key]; ok && last == string(b) {
		return last
	}
	v := string(b)
	if len(x.last) >= maxRemembered {
		clear(x.last) // a client of many header names: start over
	}
	x.last[key] = v
	return v
}

// maxRemembered bounds the strings an exchange keeps for again.
const maxRemembered = 32

// body is a bridged request's body: fasthttp has read it whole.
type body struct {
	b   []byte
	off int
}

func (b *body) Read(p []byte) (int, error) {
	if b.off >= len(b.b) {
		return 0, io.EOF
	}
	n := copy(p, b.b[b.off:])
	b.off += n
	return n, nil
}

func (b *body) Close() error { return nil }

// writer is a bridged response: headers kept in a map as net/http keeps
// them, copied into fasthttp's response when the handler writes.
type writer struct {
	ctx    *fasthttp.RequestCtx
	header http.Header
	wrote  bool
	noBody bool
}

func (w *writer) Header() http.Header { return w.header }

func (w *writer) WriteHeader(code int) {
	if w.wrote {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	w.wrote = true
	resp := &w.ctx.Response
	resp.SetStatusCode(code)
	w.noBody = code == http.StatusNoContent || code == http.StatusNotModified || code < 200
	for k, vs := range w.header {
		switch k {
		case "Content-Type":
			if len(vs) > 0 {
				resp.Header.SetContentType(vs[0])
			}
		case "Content-Length", "Transfer-Encoding", "Date":
		case "Connection":
			for _, v := range vs {
				if strings.EqualFold(v, "close") {
					w.ctx.SetConnectionClose()
				}
			}
		default:
			for _, v := range vs {
				resp.Header.Add(k, v)
			}
		}
	}
}

func (w *writer) Write(p []byte) (int, error) {
	if !w.wrote {
		if _, ok := w.header["Content-Type"]; !ok && len(p) > 0 {
			w.header["Content-Type"] = []string{http.DetectContentType(p)}
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.noBody {
		return 0, http.ErrBodyNotAllowed
	}
	w.ctx.Response.AppendBody(p)
	return len(p), nil
}

// finish writes the header of a handler that wrote nothing.
func (w *writer) finish() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
}

func (w *writer) reset() {
	clear(w.header)
	w.ctx, w.wrote, w.noBody = nil, false, false
}

// fastLogger sends fasthttp's own messages (connections it gave up on) to
// the gateway's log at warning level, as http.Server's ErrorLog does.
type fastLogger struct{ log *slog.Logger }

func (l fastLogger) Printf(format string, args ...any) {
	l.log.Warn("http: " + fmt.Sprintf(format, args...))
}

package xmlrpc

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"gateway/adapters/httpx"
	"gateway/gateway"
)

// Options are the limits of the XML-RPC front end.
type Options struct {
	MaxBodyBytes int64 // a larger body is refused with 413
	MaxDepth     int   // element nesting
	MaxAttrs     int   // attributes on one start tag (0: xmltext's default)
	MaxMulticall int   // calls in one system.multicall
	// Challenge answers a call that carries no session and no credentials
	// with HTTP 401 and WWW-Authenticate (the fault still in the body).
	// Off by default: XML-RPC clients (Python's xmlrpc.client) expect the
	// -32001 fault in a 200.
	Challenge bool
	// Negotiate adds Negotiate (Kerberos) to the challenge.
	Negotiate bool
	Remote    httpx.Proxies
	Log       *slog.Logger
}

// DefaultMaxMulticall bounds the calls of one system.multicall when the
// configuration says nothing (limits.max_multicall).
const DefaultMaxMulticall = 100

// Handler serves POST /xmlrpc.
type Handler struct {
	core        *gateway.Core
	opts        Options
	contentType []string  // shared by every response
	bufs        sync.Pool // request and response bytes
	scanners    sync.Pool // *scanner
}

// New returns the XML-RPC handler over core.
func New(core *gateway.Core, opts Options) *Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = httpx.DefaultMaxBodyBytes
	}
	if opts.MaxMulticall <= 0 {
		opts.MaxMulticall = DefaultMaxMulticall
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Handler{core: core, opts: opts, contentType: []string{"text/xml; charset=utf-8"}, bufs: sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}}
}

// request is the state of one HTTP request: its session is resolved once,
// on first need, and shared by the calls of a multicall.
type request struct {
	w        http.ResponseWriter
	r        *http.Request
	resolved bool
	loggedIn bool // a multicall has made its one login
	session  *gateway.Session
	err      error
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "XML-RPC takes POST", http.StatusMethodNotAllowed)
		return
	}
	if ct := httpx.HeaderValue(r, "Content-Type"); ct != "" {
		if mt := httpx.MediaType(ct); mt != "text/xml" && mt != "application/xml" {
			http.Error(w, "XML-RPC takes text/xml", http.StatusUnsupportedMediaType)
			return
		}
	}
	if !httpx.LimitBody(w, r, h.opts.MaxBodyBytes) {
		return
	}
	bp := h.bufs.Get().(*[]byte)
	defer h.bufs.Put(bp)
	body, err := httpx.ReadBody(r, (*bp)[:0])
	*bp = body[:0] // keep a grown buffer for the next request
	var method string
	var params []any
	var sc *scanner
	if err == nil {
		// The decoded values copy what they keep, so the buffer is free
		// once the call is decoded; the scanner is kept to the call's end,
		// for the parameters' slice is its own.
		sc, _ = h.scanners.Get().(*scanner)
		if sc == nil {
			sc = &scanner{}
			sc.x.MaxAttrs = h.opts.MaxAttrs
		}
		defer h.putScanner(sc)
		method, params, err = sc.decodeCall(body, h.opts.MaxDepth)
	} else {
		err = parseErr(err)
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		var de *DecodeError
		if !errors.As(err, &de) {
			de = &DecodeError{Kind: gateway.FaultParse, Msg: "parse error"}
		}
		h.writeFault(w, de.Fault())
		return
	}
	req := &request{w: w, r: r}
	var result any
	var res gateway.Result
	if isServiceMethod(method) {
		res, err = h.serviceCall(r.Context(), req, method, params)
	} else {
		result, err = h.call(r.Context(), req, method, params)
	}
	if err != nil {
		if h.opts.Challenge && errors.Is(err, httpx.ErrNoCredentials) {
			httpx.WriteBody(w, httpx.Challenge(w, h.opts.Negotiate), h.contentType, AppendFault(nil, FaultCode(gateway.AsFault(err)), FaultString(gateway.AsFault(err))))
			return
		}
		h.writeFault(w, gateway.AsFault(err))
		return
	}
	ob := h.bufs.Get().(*[]byte)
	defer h.bufs.Put(ob)
	var out []byte
	if isServiceMethod(method) {
		out, err = sc.out.response((*ob)[:0], res)
	} else {
		out, err = AppendResponse((*ob)[:0], result)
	}
	if err != nil {
		h.opts.Log.ErrorContext(r.Context(), "xmlrpc encode", "method", method, "err", err)
		h.writeFault(w, gateway.NewFault(gateway.FaultInternal, "internal error"))
		return
	}
	*ob = out
	h.write(w, out)
}

// putScanner pools sc once its call is done, without the last call's
// document or values.
func (h *Handler) putScanner(sc *scanner) {
	sc.x.Reset(nil, 0, false)
	clear(sc.paramsBuf[:cap(sc.paramsBuf)]) // a call given up on may have left values past its length
	sc.paramsBuf = sc.paramsBuf[:0]
	if cap(sc.text) > 64<<10 {
		sc.text = nil // a huge value's buffer is not kept for every later call
	}
	if cap(sc.paramsBuf) > 64 {
		sc.paramsBuf = nil // nor a long call's parameters
	}
	h.scanners.Put(sc)
}

func (h *Handler) writeFault(w http.ResponseWriter, f *gateway.Fault) {
	h.write(w, AppendFault(nil, FaultCode(f), FaultString(f)))
}

func (h *Handler) write(w http.ResponseWriter, body []byte) {
	httpx.WriteBody(w, http.StatusOK, h.contentType, body) // XML-RPC faults travel in a 200 response
}

// session resolves the request's session: a token (header, cookie) first,
// then HTTP Basic credentials, which share one session per user and password.
func (h *Handler) session(ctx context.Context, req *request) (*gateway.Session, error) {
	if req.resolved {
		return req.session, req.err
	}
	req.resolved = true
	if token, cookie := httpx.TokenFrom(req.r); token != "" {
		if cookie { // only a cookie can be sent by another site's page
			if why := h.opts.Remote.CrossSite(req.r); why != "" {
				req.err = gateway.NewFault(gateway.FaultForbidden, "cross-site request refused: %s (or send the token as %s)", why, httpx.HeaderName)
				return nil, req.err
			}
		}
		req.session, req.err = h.core.Resume(ctx, token)
	} else if creds, ok := httpx.CallCredentials(req.r); ok {
		req.session, req.err = h.core.CredentialSession(ctx, creds, h.opts.Remote.Client(req.r, gateway.ProtocolXMLRPC))
	} else {
		req.err = gateway.WrapFault(gateway.FaultUnauthenticated, httpx.ErrNoCredentials, "no session: call session.login or send credentials")
	}
	return req.session, req.err
}

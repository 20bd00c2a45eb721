package soap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gateway/adapters/httpx"
	"gateway/gateway"
	"gateway/wsdl"
)

// SessionService is the name of the built-in session endpoint.
const SessionService = gateway.SessionService

// Options configure the SOAP front end.
type Options struct {
	MaxBodyBytes int64
	MaxDepth     int
	// Attributes and namespace declarations on one start tag (0: xmltext's defaults).
	MaxAttrs, MaxNamespaces int
	PublicURL               string // base for published addresses; the request's own when empty
	// Challenge answers a call that carries no session and no credentials
	// with HTTP 401 and WWW-Authenticate (the fault still in the body), so
	// that clients that send Basic credentials only when challenged log in.
	Challenge bool
	// Negotiate adds Negotiate (Kerberos) to the challenge.
	Negotiate bool
	Proxies   httpx.Proxies
	Log       *slog.Logger
	Now       func() time.Time // for tests
}

// Handler serves /soap/{service}.
type Handler struct {
	core      *gateway.Core
	opts      Options
	endpoints atomic.Pointer[map[string]*endpoint] // replaced whole by Reload
	sessionEP *endpoint                            // the session service's, the same in every reload
	nonces    *nonceCache
	bufs      sync.Pool // request and response bytes
	decoders  sync.Pool // *decoder
	// contentTypes are the response content types by version, shared by
	// every response.
	contentTypes map[Version][]string
}

type endpoint struct {
	name    string
	def     *wsdl.Definition
	pub     *wsdl.Publication
	service *gateway.Service // nil for the session service
	known   []string         // the namespaces its messages declare
	// unwalked holds the operations (*wsdl.Operation) whose answer the
	// schemaWriter gave up on once: their shapes are the encoder's, so
	// their answers go to it at once.
	unwalked sync.Map
}

// New prepares every service's published WSDL and the session service.
func New(core *gateway.Core, opts Options) (*Handler, error) {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = httpx.DefaultMaxBodyBytes
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	h := &Handler{core: core, opts: opts, nonces: newNonceCache(),
		contentTypes: map[Version][]string{V11: {V11.contentType()}, V12: {V12.contentType()}},
		bufs:         sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}}
	h.sessionEP = &endpoint{name: SessionService, def: core.SessionDefinition()}
	if err := publish(h.sessionEP); err != nil {
		return nil, err
	}
	commit, err := h.Reload(core.Services())
	if err != nil {
		return nil, err
	}
	commit()
	return h, nil
}

// Reload prepares the endpoints of a new set of services (their WSDLs
// published) and returns the function that puts them in service, so that a
// reload can check everything before changing anything.
func (h *Handler) Reload(reg *gateway.Registry) (commit func(), err error) {
	endpoints := map[string]*endpoint{SessionService: h.sessionEP}
	for _, svc := range reg.Services() {
		ep := &endpoint{name: svc.Name, def: svc.Definition, service: svc}
		if err := publish(ep); err != nil {
			return nil, fmt.Errorf("service %s: %w", svc.Name, err)
		}
		endpoints[ep.name] = ep
	}
	return func() { h.endpoints.Store(&endpoints) }, nil
}

func publish(ep *endpoint) error {
	pub, err := wsdl.Publish(ep.def)
	if err != nil {
		return err
	}
	ep.pub = pub
	ep.known = namespacesOf(ep.def)
	return nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/soap/")
	ep := (*h.endpoints.Load())[name]
	if ep == nil {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.serveDocument(w, r, ep)
	case http.MethodPost:
		h.serveCall(w, r, ep)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "SOAP takes POST (and GET with ?wsdl)", http.StatusMethodNotAllowed)
	}
}

// serveDocument answers ?wsdl, ?wsdl=N and ?xsd=N.
func (h *Handler) serveDocument(w http.ResponseWriter, r *http.Request, ep *endpoint) {
	q := r.URL.Query()
	endpointURL := h.opts.Proxies.BaseURL(r, h.opts.PublicURL) + "/soap/" + ep.name
	var doc []byte
	switch {
	case q.Has("wsdl") && q.Get("wsdl") == "":
		doc = ep.pub.WSDL(endpointURL)
	case q.Has("wsdl") || q.Has("xsd"):
		kind := "xsd"
		if q.Has("wsdl") {
			kind = "wsdl"
		}
		n, err := strconv.Atoi(q.Get(kind))
		var ok bool
		if err == nil {
			doc, ok = ep.pub.Import(kind, n, endpointURL)
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "GET takes ?wsdl (or ?xsd=N); calls are POSTed", http.StatusMethodNotAllowed)
		return
	}
	if h.opts.PublicURL == "" {
		// The addresses come from the request: a cache must not hand one
		// client's document to another.
		w.Header().Set("Vary", "Host, X-Forwarded-Host, X-Forwarded-Proto")
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	_, _ = w.Write(doc)
}

// version reads the SOAP version and action from the request headers.
func version(r *http.Request) (Version, string, bool) {
	ct := httpx.HeaderValue(r, "Content-Type")
	if httpx.MediaType(ct) == "text/xml" { // SOAP 1.1 needs none of the parameters: no map of them
		// "Soapaction" is the canonical form of SOAPAction: Get would
		// canonicalize (and allocate) on every call.
		return V11, strings.Trim(strings.TrimSpace(httpx.HeaderValue(r, "Soapaction")), `"`), true
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return 0, "", false
	}
	switch mt {
	case "application/soap+xml":
		return V12, strings.Trim(params["action"], `"`), true
	}
	return 0, "", false
}

func (h *Handler) serveCall(w http.ResponseWriter, r *http.Request, ep *endpoint) {
	v, action, ok := version(r)
	if !ok {
		http.Error(w, "SOAP 1.1 takes text/xml, SOAP 1.2 application/soap+xml", http.StatusUnsupportedMediaType)
		return
	}
	if !httpx.LimitBody(w, r, h.opts.MaxBodyBytes) {
		return
	}
	d, _ := h.decoders.Get().(*decoder)
	if d == nil {
		d = &decoder{}
		d.x.MaxAttrs, d.x.MaxNamespaces = h.opts.MaxAttrs, h.opts.MaxNamespaces
	}
	defer func() { d.release(); h.decoders.Put(d) }() // at the call's end: the Request may be d's own
	req, err := h.decode(d, r, v, action, ep)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		h.writeError(w, v, err, nil, nil)
		return
	}
	if other := actionNamesOther(ep.def, action, req.Operation); other != "" {
		h.writeError(w, v, clientFault("the SOAP action names operation %s but the body is %s", other, req.Operation.Name), req.Operation, req.Addressing)
		return
	}
	if err := checkAddressing(ep.def, req); err != nil {
		h.writeError(w, v, err, req.Operation, req.Addressing)
		return
	}
	var result gateway.Struct
	var walked gateway.Result
	var echoToken string
	start := time.Now()
	if ep.service == nil {
		result, echoToken, err = h.sessionCall(r.Context(), w, r, req) // counted by the core
	} else {
		walked, err = h.serviceCall(r.Context(), r, ep, req)
		h.core.Metrics().ObserveCall(gateway.ProtocolSOAP, ep.name, req.Operation.Name, err, time.Since(start))
	}
	if err != nil {
		h.writeError(w, v, err, req.Operation, req.Addressing)
		return
	}
	bp := h.bufs.Get().(*[]byte)
	defer h.bufs.Put(bp)
	var wsa []byte
	if req.Addressing != nil {
		wsa = appendAddressing(nil, req.Addressing, req.Operation.OutputAction)
	}
	var out []byte
	written := false
	if walked != nil {
		// A service's answer is written as it is walked when its shape
		// allows; otherwise (and from then on for its operation) from its
		// Struct, by the encoder.
		if _, unwalked := ep.unwalked.Load(req.Operation); !unwalked && len(req.Operation.OutputHeaders) == 0 {
			if out, written = walkResponse(&d.out, (*bp)[:0], v, req.Operation.Output, wsa, walked); !written {
				ep.unwalked.Store(req.Operation, true)
			}
		}
		if !written {
			result = walked.Struct()
		}
	}
	if !written {
		out, err = appendResponseHeaders((*bp)[:0], v, req.Operation.Output, req.Operation.OutputHeaders, result, echoToken, wsa)
	}
	if err != nil {
		h.opts.Log.ErrorContext(r.Context(), "soap encode", "service", ep.name, "operation", req.Operation.Name, "err", err)
		h.writeError(w, v, gateway.NewFault(gateway.FaultInternal, "internal error"), nil, req.Addressing)
		return
	}
	*bp = out
	h.write(w, v, http.StatusOK, out)
}

// decode reads the request body into a pooled buffer and decodes it with
// d. What the Request keeps is copied out of the body, so the buffer goes
// back to its pool at once; the Request itself may be d's, valid until d
// is released.
func (h *Handler) decode(d *decoder, r *http.Request, v Version, action string, ep *endpoint) (*Request, error) {
	bp := h.bufs.Get().(*[]byte)
	defer h.bufs.Put(bp)
	body, err := httpx.ReadBody(r, (*bp)[:0])
	*bp = body[:0] // keep a grown buffer for the next request
	if err != nil {
		return nil, parseErr(err)
	}
	if err := d.reset(body, h.opts.MaxDepth, ep.known); err != nil {
		return nil, err
	}
	d.action = action
	return d.request(v, ep.def)
}

// actionNamesOther returns the operation an action names when that is not
// op: an action equal to another operation's soapAction, or ending in
// another operation's name. Unknown actions are tolerated (clients send
// URLs, names, or nothing).
func actionNamesOther(def *wsdl.Definition, action string, op *wsdl.Operation) string {
	if action == "" || action == op.Action {
		return ""
	}
	for _, o := range def.Operations {
		if o == op {
			continue
		}
		if action == o.Action || action == o.Name || strings.HasSuffix(action, "#"+o.Name) || strings.HasSuffix(action, "/"+o.Name) {
			return o.Name
		}
	}
	return ""
}

func (h *Handler) write(w http.ResponseWriter, v Version, status int, body []byte) {
	httpx.WriteBody(w, status, h.contentTypes[v], body)
}

// writeError answers a fault with HTTP 500, in the request's SOAP version,
// with the fault action and RelatesTo when the request used WS-Addressing.
func (h *Handler) writeError(w http.ResponseWriter, v Version, err error, op *wsdl.Operation, wsa *Addressing) {
	var fe *faultError
	if !errors.As(err, &fe) {
		fe = &faultError{fault: gateway.AsFault(err)}
	}
	status := http.StatusInternalServerError
	if h.opts.Challenge && (errors.Is(err, httpx.ErrNoCredentials) || errors.Is(fe.fault, httpx.ErrNoCredentials)) {
		status = httpx.Challenge(w, h.opts.Negotiate)
	}
	var header []byte
	if wsa != nil {
		header = appendAddressing(nil, wsa, faultAction(wsa.NS))
	}
	h.write(w, v, status, appendFault(nil, v, fe.fault, fe.soapCode, fe.headers, op, header))
}

// session finds the caller's session: the gw:Session header, the
// X-Gateway-Session header or cookie, a WS-Security UsernameToken, or HTTP
// Basic, in that order.
func (h *Handler) session(ctx context.Context, r *http.Request, req *Request) (*gateway.Session, error) {
	if req.SessionToken != "" {
		return h.core.Resume(ctx, req.SessionToken)
	}
	if token, cookie := httpx.TokenFrom(r); token != "" {
		if cookie { // only a cookie can be sent by another site's page
			if why := h.opts.Proxies.CrossSite(r); why != "" {
				return nil, gateway.NewFault(gateway.FaultForbidden, "cross-site request refused: %s (or send the gw:Session header)", why)
			}
		}
		return h.core.Resume(ctx, token)
	}
	client := h.opts.Proxies.Client(r, gateway.ProtocolSOAP)
	if ut := req.UsernameToken; ut != nil && ut.Username != "" {
		creds, err := h.nonces.checkUsernameToken(ut, h.opts.Now())
		if err != nil {
			return nil, err
		}
		return h.core.CredentialSession(ctx, creds, client)
	}
	if creds, ok := httpx.CallCredentials(r); ok {
		return h.core.CredentialSession(ctx, creds, client)
	}
	return nil, gateway.WrapFault(gateway.FaultUnauthenticated, httpx.ErrNoCredentials, "no session: send the gw:Session header (from session Login), WS-Security UsernameToken or HTTP Basic")
}

func (h *Handler) serviceCall(ctx context.Context, r *http.Request, ep *endpoint, req *Request) (gateway.Result, error) {
	s, err := h.session(ctx, r, req)
	if err != nil {
		return nil, err
	}
	return h.core.InvokeWalked(ctx, s, ep.service, req.Operation, req.Params)
}

// sessionCall runs the session service's operations (the core's, as every
// front end does); the transport's part is the cookie.
func (h *Handler) sessionCall(ctx context.Context, w http.ResponseWriter, r *http.Request, req *Request) (gateway.Struct, string, error) {
	call := gateway.SessionCall{Protocol: gateway.ProtocolSOAP, Operation: req.Operation.Name, Params: req.Params}
	if req.Operation.Name == "Login" {
		call.Client = h.opts.Proxies.Client(r, gateway.ProtocolSOAP)
	} else {
		s, err := h.session(ctx, r, req)
		if err != nil {
			h.core.Metrics().ObserveCall(gateway.ProtocolSOAP, gateway.SessionService, req.Operation.Name, err, 0)
			return nil, "", err
		}
		call.Session = s
	}
	res, err := h.core.CallSession(ctx, call)
	if err != nil {
		return nil, "", err
	}
	switch {
	case res.Token != "":
		httpx.SetSession(w, r, res.Token)
	case res.LoggedOut:
		httpx.ClearSession(w, r)
	}
	return res.Output, res.Token, nil
}

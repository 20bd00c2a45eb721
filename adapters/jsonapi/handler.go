// Package jsonapi is the gateway's JSON front end: every operation of every
// service at POST /api/{service}/{operation} with a JSON object of its
// input's members, the session service at /api/session/..., faults as
// RFC 9457 problem documents, and an OpenAPI 3.1 document generated from
// each WSDL. It is one more adapter around the same core: the same
// sessions, perspectives, groups, upstreams and attach/detach events as
// SOAP, XML-RPC and the portal.
package jsonapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"gateway/adapters/httpx"
	"gateway/adapters/xmlrpc"
	"gateway/gateway"
	"gateway/wsdl"
)

// Protocol is the protocol JSON clients attach by.
const Protocol = "json"

// Options configure the handler.
type Options struct {
	MaxBodyBytes int64
	MaxDepth     int
	PublicURL    string // base of the servers the OpenAPI documents name; the request's own when empty
	Proxies      httpx.Proxies
	Log          *slog.Logger
	Negotiate    bool // offer Negotiate (Kerberos) in the 401 challenge
}

// Handler serves /api/.
type Handler struct {
	core *gateway.Core
	opts Options
	bufs sync.Pool // request and answer bytes
}

// New returns the JSON front end over core.
func New(core *gateway.Core, opts Options) *Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = httpx.DefaultMaxBodyBytes
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = 64
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{core: core, opts: opts, bufs: sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}}
}

// maxPooledBuf is the largest buffer kept for later requests: a rare huge
// body's buffer is not held by every idle one.
const maxPooledBuf = 64 << 10

func (h *Handler) getBuf() *[]byte { return h.bufs.Get().(*[]byte) }

func (h *Handler) putBuf(bp *[]byte, b []byte) {
	if cap(b) <= maxPooledBuf {
		*bp = b[:0]
		h.bufs.Put(bp)
	}
}

// Header values every answer shares; net/http and the fasthttp bridge only
// read them.
var (
	jsonType = []string{"application/json"}
	noStore  = []string{"no-store"}
)

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header()["Cache-Control"] = noStore // by its canonical key: Set would canonicalize it on every call
	path := strings.TrimPrefix(r.URL.Path, "/api/")
	switch {
	case path == "openapi.json":
		h.document(w, r, "")
		return
	case strings.HasSuffix(path, "/openapi.json") && strings.Count(path, "/") == 1:
		h.document(w, r, strings.TrimSuffix(path, "/openapi.json"))
		return
	case path == "session/events/stream":
		h.stream(w, r)
		return
	case strings.HasPrefix(path, "session/"):
		h.session(w, r, strings.TrimPrefix(path, "session/"))
		return
	}
	service, operation, ok := strings.Cut(path, "/")
	if !ok || operation == "" || strings.Contains(operation, "/") {
		h.problem(w, gateway.NewFault(gateway.FaultNoSuchMethod, "no such operation: use /api/{service}/{operation}"))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.problemStatus(w, http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed", "an operation is called with POST", nil)
		return
	}
	svc, op, err := h.core.Services().Lookup(service, operation)
	if err != nil {
		h.problem(w, err)
		return
	}
	start := time.Now()
	result, err := h.call(w, r, svc, op)
	h.core.Metrics().ObserveCall(Protocol, svc.Name, op.Name, err, time.Since(start))
	if err != nil {
		h.problem(w, err)
		return
	}
	if op.Output != nil {
		if exact, changed := exactAnswer(op.Output.Type, result, 0); changed {
			result = exact.(gateway.Struct)
		}
	}
	h.writeJSON(w, http.StatusOK, result)
}

// call reads the body, resolves the caller and invokes the operation.
func (h *Handler) call(w http.ResponseWriter, r *http.Request, svc *gateway.Service, op *wsdl.Operation) (gateway.Struct, error) {
	obj, err := h.readBody(w, r)
	if err != nil {
		return nil, err
	}
	s, err := h.caller(r)
	if err != nil {
		return nil, err
	}
	params, err := paramsOf(op.Input, obj)
	if err != nil {
		return nil, err
	}
	return h.core.Invoke(r.Context(), s, svc, op, params)
}

// errMediaType is a body that is not JSON by its Content-Type (415).
var errMediaType = errors.New("the body must be application/json")

// readBody reads a JSON object body within the limits.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) (map[string]any, error) {
	if ct := httpx.HeaderValue(r, "Content-Type"); ct != "" && !isJSON(ct) {
		return nil, errMediaType
	}
	if !httpx.LimitBody(w, r, h.opts.MaxBodyBytes) {
		return nil, errAnswered
	}
	bp := h.getBuf()
	body, err := httpx.ReadBody(r, (*bp)[:0])
	// The decoded values copy what they keep: the buffer is free again
	// once the body is read.
	defer h.putBuf(bp, body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errTooLarge
		}
		return nil, gateway.NewFault(gateway.FaultParse, "the body could not be read")
	}
	obj, err := decodeObject(body, h.opts.MaxDepth)
	if err != nil {
		return nil, gateway.NewFault(gateway.FaultParse, "%s", err.Error())
	}
	return obj, nil
}

var (
	errAnswered = errors.New("answered")       // LimitBody wrote the response
	errTooLarge = errors.New("body too large") // 413
)

func isJSON(contentType string) bool {
	mt := httpx.MediaType(contentType)
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// caller resolves the caller's session: Authorization Bearer, the
// X-Gateway-Session header, the cookie (only with a JSON body and from the
// gateway's own origin: a page elsewhere cannot send application/json
// without a preflight the gateway never grants), or HTTP Basic per call.
func (h *Handler) caller(r *http.Request) (*gateway.Session, error) {
	if auth := httpx.HeaderValue(r, "Authorization"); len(auth) > 7 && strings.EqualFold(auth[:7], "Bearer ") {
		if _, jwt := httpx.BearerJWT(r); !jwt { // an identity provider's JWT is a credential, below
			return h.core.Resume(r.Context(), strings.TrimSpace(auth[7:]))
		}
	}
	if token, cookie := httpx.TokenFrom(r); token != "" {
		if cookie {
			if !isJSON(r.Header.Get("Content-Type")) && r.Method != http.MethodGet || h.opts.Proxies.Foreign(r) {
				return nil, gateway.NewFault(gateway.FaultForbidden, "cross-site request refused: a call authenticated by the session cookie needs a JSON body from the gateway's own pages (or send the token as Authorization: Bearer)")
			}
		}
		return h.core.Resume(r.Context(), token)
	}
	if creds, ok := httpx.CallCredentials(r); ok {
		return h.core.CredentialSession(r.Context(), creds, h.opts.Proxies.Client(r, Protocol))
	}
	return nil, gateway.WrapFault(gateway.FaultUnauthenticated, httpx.ErrNoCredentials, "no session: log in at /api/session/login and send the token as Authorization: Bearer, or send HTTP Basic credentials")
}

// session serves /api/session/{login,logout,whoami,events}: the core's
// session service, as every front end serves it.
func (h *Handler) session(w http.ResponseWriter, r *http.Request, name string) {
	ops := map[string]struct{ op, method string }{
		"login": {"Login", http.MethodPost}, "logout": {"Logout", http.MethodPost},
		"whoami": {"WhoAmI", http.MethodGet}, "events": {"Events", http.MethodGet},
	}
	route, ok := ops[name]
	if !ok {
		h.problem(w, gateway.NewFault(gateway.FaultNoSuchMethod, "no session call %q: login, logout, whoami, events, events/stream", name))
		return
	}
	if r.Method != route.method {
		w.Header().Set("Allow", route.method)
		h.problemStatus(w, http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed", "use "+route.method, nil)
		return
	}
	call := gateway.SessionCall{Protocol: Protocol, Operation: route.op, Params: gateway.Struct{}}
	switch route.op {
	case "Login":
		obj, err := h.readBody(w, r)
		if err != nil {
			h.problem(w, err)
			return
		}
		if h.opts.Proxies.Foreign(r) {
			h.problem(w, gateway.NewFault(gateway.FaultForbidden, "cross-site login refused"))
			return
		}
		user, _ := obj["username"].(string)
		password, _ := obj["password"].(string)
		call.Params = gateway.Struct{{Name: "username", Value: user}, {Name: "password", Value: password}}
		call.Client = h.opts.Proxies.Client(r, Protocol)
	case "Events":
		q := r.URL.Query()
		since, err1 := strconv.ParseInt(defaultTo(q.Get("since"), "0"), 10, 64)
		wait, err2 := strconv.ParseInt(defaultTo(q.Get("wait"), "0"), 10, 64)
		if err1 != nil || err2 != nil {
			h.problem(w, gateway.NewFault(gateway.FaultInvalidParams, "since and wait are whole numbers"))
			return
		}
		call.Params = gateway.Struct{{Name: "since", Value: since}, {Name: "wait", Value: min(wait, int64(gateway.MaxEventWait/time.Second))}}
		fallthrough
	default:
		s, err := h.caller(r)
		if err != nil {
			h.core.Metrics().ObserveCall(Protocol, gateway.SessionService, route.op, err, 0)
			h.problem(w, err)
			return
		}
		call.Session = s
	}
	res, err := h.core.CallSession(r.Context(), call)
	if err != nil {
		h.problem(w, err)
		return
	}
	switch {
	case res.Token != "":
		httpx.SetSession(w, r, res.Token)
	case res.LoggedOut:
		httpx.ClearSession(w, r)
	}
	h.writeJSON(w, http.StatusOK, res.Output)
}

func defaultTo(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// stream serves GET /api/session/events/stream: the perspective's events
// as Server-Sent Events, each with its sequence number as id, so that a
// client that reconnects with Last-Event-ID (or ?since=) misses none the
// feed still holds. It ends when this session ends (an event "logout").
func (h *Handler) stream(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		h.problemStatus(w, http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed", "use GET", nil)
		return
	}
	s, err := h.caller(r)
	if err != nil {
		h.problem(w, err)
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		h.problem(w, gateway.NewFault(gateway.FaultInternal, "streaming unsupported"))
		return
	}
	since := uint64(0)
	from := r.Header.Get("Last-Event-ID")
	if from == "" {
		from = r.URL.Query().Get("since")
	}
	if from != "" {
		n, err := strconv.ParseUint(from, 10, 64)
		if err != nil {
			h.problem(w, gateway.NewFault(gateway.FaultInvalidParams, "Last-Event-ID is a sequence number"))
			return
		}
		since = n
	}
	p := h.core.Perspective(s)
	ctx := r.Context()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	for ctx.Err() == nil {
		_ = rc.SetWriteDeadline(time.Now().Add(gateway.MaxEventWait + 15*time.Second))
		evs, next, err := p.Events(ctx, since, 20*time.Second)
		if err != nil {
			return
		}
		for _, ev := range evs {
			data, err := appendJSON(nil, gateway.EventValue(ev))
			if err != nil {
				return
			}
			if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.Seq, ev.Kind, data); err != nil {
				return
			}
			if ev.Kind == gateway.EventDetached && ev.Client.ID == s.Client.ID {
				fmt.Fprint(w, "event: logout\ndata: {}\n\n")
				flusher.Flush()
				return
			}
		}
		if len(evs) == 0 {
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		}
		flusher.Flush()
		since = next
	}
}

// writeJSON writes a 200 (or status) JSON answer.
func (h *Handler) writeJSON(w http.ResponseWriter, status int, v any) {
	bp := h.getBuf()
	body, err := appendJSON((*bp)[:0], v)
	if err != nil {
		h.putBuf(bp, (*bp)[:0])
		h.problem(w, gateway.NewFault(gateway.FaultInternal, "internal error"))
		return
	}
	body = append(body, '\n')
	httpx.WriteBody(w, status, jsonType, body)
	h.putBuf(bp, body)
}

// problem writes err as an RFC 9457 problem document.
func (h *Handler) problem(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, errAnswered):
		return
	case errors.Is(err, errTooLarge):
		h.problemStatus(w, http.StatusRequestEntityTooLarge, "too-large", "Request body too large", fmt.Sprintf("at most %d bytes", h.opts.MaxBodyBytes), nil)
		return
	case errors.Is(err, errMediaType):
		h.problemStatus(w, http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type", err.Error(), nil)
		return
	}
	f := gateway.AsFault(err)
	status := statusOf(f.Kind)
	extra := map[string]any{"code": xmlrpc.FaultCode(f)}
	if f.Kind == gateway.FaultApplication {
		extra["fault"] = f.Name
		if f.Detail != nil {
			extra["detail_element"] = f.Detail
		}
	}
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+httpx.Realm+`", Basic realm="`+httpx.Realm+`", charset="UTF-8"`)
		if h.opts.Negotiate {
			w.Header().Add("WWW-Authenticate", "Negotiate") // Kerberos clients send a ticket only when offered
		}
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "60")
	}
	h.problemStatus(w, status, typeOf(f.Kind), f.Kind.String(), f.Message, extra)
}

// problemStatus writes a problem document.
func (h *Handler) problemStatus(w http.ResponseWriter, status int, kind, title, detail string, extra map[string]any) {
	doc := gateway.Struct{
		{Name: "type", Value: "urn:gateway:problem:" + kind},
		{Name: "title", Value: title},
		{Name: "status", Value: int64(status)},
		{Name: "detail", Value: detail},
	}
	for _, k := range []string{"code", "fault", "detail_element"} {
		if v, ok := extra[k]; ok {
			name := k
			if k == "detail_element" {
				name = "faultDetail"
			}
			doc = append(doc, gateway.Member{Name: name, Value: toValue(v)})
		}
	}
	body, _ := appendJSON(nil, doc)
	httpx.WriteBody(w, status, []string{"application/problem+json"}, append(body, '\n'))
}

func toValue(v any) any {
	if n, ok := v.(int); ok {
		return int64(n)
	}
	return v
}

// statusOf is the HTTP status of a fault kind.
func statusOf(k gateway.FaultKind) int {
	switch k {
	case gateway.FaultParse, gateway.FaultInvalidRequest, gateway.FaultInvalidParams:
		return http.StatusBadRequest
	case gateway.FaultUnauthenticated, gateway.FaultPasswordExpired:
		return http.StatusUnauthorized
	case gateway.FaultForbidden, gateway.FaultAccountDisabled:
		return http.StatusForbidden
	case gateway.FaultNoSuchMethod:
		return http.StatusNotFound
	case gateway.FaultApplication:
		return http.StatusUnprocessableEntity
	case gateway.FaultTooManyRequests:
		return http.StatusTooManyRequests
	case gateway.FaultUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// typeOf is a fault kind's problem type, after urn:gateway:problem:.
func typeOf(k gateway.FaultKind) string {
	return map[gateway.FaultKind]string{
		gateway.FaultParse: "parse-error", gateway.FaultInvalidRequest: "invalid-request", gateway.FaultInvalidParams: "invalid-params",
		gateway.FaultUnauthenticated: "unauthenticated", gateway.FaultForbidden: "forbidden", gateway.FaultNoSuchMethod: "not-found",
		gateway.FaultApplication: "application-fault", gateway.FaultTooManyRequests: "too-many-requests",
		gateway.FaultUnavailable: "unavailable", gateway.FaultInternal: "internal",
		gateway.FaultPasswordExpired: "password-expired", gateway.FaultAccountDisabled: "account-disabled",
	}[k]
}

var _ http.Handler = (*Handler)(nil)

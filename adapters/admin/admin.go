// Package admin is the gateway's admin API: JSON over HTTP under
// /admin/api/, for the gateway binary's admin commands (gateway sessions,
// logout, call, reload) and any other tool of an operator. Every request
// authenticates as a user of the admins group, by session token or HTTP
// Basic, exactly as the other front ends do.
package admin

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"gateway/adapters/httpx"
	"gateway/adapters/portal"
	"gateway/gateway"
)

// Group is the directory group whose members may use the admin API (the
// portal's admin group).
const Group = portal.AdminGroup

// Protocol is the protocol an admin command's session attaches by.
const Protocol = "admin"

// Options configure the handler.
type Options struct {
	// Reload re-reads the configuration (nil: the API has no reload).
	Reload  func(context.Context) (string, error)
	Proxies httpx.Proxies
	Log     *slog.Logger
}

// Handler serves /admin/api/.
type Handler struct {
	core *gateway.Core
	opts Options
}

// New returns the admin API over core.
func New(core *gateway.Core, opts Options) *Handler {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{core: core, opts: opts}
}

// maxBody bounds an admin request's body.
const maxBody = 1 << 20

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s, err := h.session(r)
	if err != nil {
		f := gateway.AsFault(err)
		status := http.StatusUnauthorized
		switch f.Kind {
		case gateway.FaultForbidden:
			status = http.StatusForbidden
		case gateway.FaultUnavailable:
			status = http.StatusServiceUnavailable
		case gateway.FaultTooManyRequests:
			status = http.StatusTooManyRequests
		}
		if status == http.StatusUnauthorized {
			httpx.Challenge(w, false)
		}
		writeJSON(w, status, map[string]any{"error": f.Message})
		return
	}
	if !s.Identity.InAnyGroup([]string{Group}) {
		writeJSON(w, http.StatusForbidden, map[string]any{"error": fmt.Sprintf("%s is not in the %s group", s.Identity.Username, Group)})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	switch strings.TrimPrefix(r.URL.Path, "/admin/api/") {
	case "sessions":
		if r.Method != http.MethodGet {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "GET"})
			return
		}
		h.sessions(w, r)
	case "logout":
		h.post(w, r, h.logout(s))
	case "reload":
		h.post(w, r, h.reload)
	case "call":
		h.post(w, r, h.call(s))
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "no such admin call; see gateway -h"})
	}
}

// session authenticates the request as the other front ends do: a token
// (header or Bearer) first, then HTTP Basic.
func (h *Handler) session(r *http.Request) (*gateway.Session, error) {
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		return h.core.Resume(r.Context(), strings.TrimSpace(strings.TrimPrefix(auth, "Bearer ")))
	}
	if token, cookie := httpx.TokenFrom(r); token != "" {
		if cookie {
			// The admin API is no place for a browser's ambient cookie.
			return nil, gateway.NewFault(gateway.FaultForbidden, "send the token as %s or Bearer, not as a cookie", httpx.HeaderName)
		}
		return h.core.Resume(r.Context(), token)
	}
	if creds, ok := httpx.CallCredentials(r); ok {
		return h.core.CredentialSession(r.Context(), creds, h.opts.Proxies.Client(r, Protocol))
	}
	return nil, gateway.WrapFault(gateway.FaultUnauthenticated, httpx.ErrNoCredentials, "no session: send HTTP Basic credentials of an admin, or a token")
}

// post runs a POST call with its JSON body.
func (h *Handler) post(w http.ResponseWriter, r *http.Request, call func(context.Context, map[string]any) (int, any)) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "POST"})
		return
	}
	body := map[string]any{}
	if r.ContentLength != 0 {
		dec := json.NewDecoder(r.Body)
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "the body is not a JSON object: " + err.Error()})
			return
		}
	}
	status, out := call(r.Context(), body)
	writeJSON(w, status, out)
}

// SessionView is one session as the API shows it (GET /admin/api/sessions
// answers {"sessions": [...]}).
type SessionView struct {
	User       string    `json:"user"`
	Client     string    `json:"client"`
	Protocol   string    `json:"protocol"`
	Remote     string    `json:"remote"`
	UserAgent  string    `json:"userAgent"`
	AttachedAt time.Time `json:"attachedAt"`
	LastSeen   time.Time `json:"lastSeen"`
	Expires    time.Time `json:"expires"`
}

func (h *Handler) sessions(w http.ResponseWriter, r *http.Request) {
	all, err := h.core.Sessions(r.Context())
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": gateway.AsFault(err).Message})
		return
	}
	user := r.URL.Query().Get("user")
	out := []SessionView{}
	for _, s := range all {
		if user != "" && !strings.EqualFold(s.Identity.Username, user) {
			continue
		}
		out = append(out, SessionView{s.Identity.Username, s.Client.ID, s.Client.Protocol, s.Client.Remote, s.Client.UserAgent,
			s.Client.AttachedAt.UTC(), s.LastSeen.UTC(), s.ExpiresAt().UTC()})
	}
	slices.SortFunc(out, func(a, b SessionView) int {
		if c := strings.Compare(a.User, b.User); c != 0 {
			return c
		}
		return a.AttachedAt.Compare(b.AttachedAt)
	})
	writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

// logout detaches one client ({"client": ID}) or every client of a user
// ({"user": NAME}), reason forced, with an audit line each.
func (h *Handler) logout(admin *gateway.Session) func(context.Context, map[string]any) (int, any) {
	return func(ctx context.Context, body map[string]any) (int, any) {
		client, _ := body["client"].(string)
		user, _ := body["user"].(string)
		if (client == "") == (user == "") {
			return http.StatusBadRequest, map[string]any{"error": `give one of "client" or "user"`}
		}
		var ids []string
		if client != "" {
			ids = []string{client}
		} else {
			all, err := h.core.Sessions(ctx)
			if err != nil {
				return http.StatusServiceUnavailable, map[string]any{"error": gateway.AsFault(err).Message}
			}
			for _, s := range all {
				if strings.EqualFold(s.Identity.Username, user) {
					ids = append(ids, s.Client.ID)
				}
			}
		}
		n := 0
		for _, id := range ids {
			if err := h.core.Detach(ctx, id, gateway.ReasonForced); err == nil {
				n++
				h.opts.Log.InfoContext(ctx, "forced logout", "audit", "forced_logout", "admin", admin.Identity.Username, "client", id, "by", Protocol)
			}
		}
		if n == 0 {
			return http.StatusNotFound, map[string]any{"error": "no such client attached", "detached": 0}
		}
		return http.StatusOK, map[string]any{"detached": n}
	}
}

func (h *Handler) reload(ctx context.Context, _ map[string]any) (int, any) {
	if h.opts.Reload == nil {
		return http.StatusNotImplemented, map[string]any{"error": "this gateway cannot reload"}
	}
	summary, err := h.opts.Reload(ctx)
	if err != nil {
		return http.StatusUnprocessableEntity, map[string]any{"error": err.Error()}
	}
	return http.StatusOK, map[string]any{"result": summary}
}

// call invokes an operation as the admin, its parameters as key=value
// pairs keyed as the portal's forms are ("sku", "line[0].qty"), each
// value read by the schema: {"service": S, "operation": O, "params":
// {"sku": "A-1"}} (a list value for a repeated element).
func (h *Handler) call(admin *gateway.Session) func(context.Context, map[string]any) (int, any) {
	return func(ctx context.Context, body map[string]any) (int, any) {
		service, _ := body["service"].(string)
		operation, _ := body["operation"].(string)
		svc, op, err := h.core.Services().Lookup(service, operation)
		if err != nil {
			return http.StatusNotFound, faultJSON(err)
		}
		pairs := url.Values{}
		raw, _ := body["params"].(map[string]any)
		for k, v := range raw {
			switch v := v.(type) {
			case []any:
				for _, item := range v {
					pairs.Add(k, fmt.Sprint(item))
				}
			default:
				pairs.Set(k, fmt.Sprint(v))
			}
		}
		params, err := portal.ParamsFromPairs(op.Input, pairs)
		if err != nil {
			return http.StatusBadRequest, faultJSON(err)
		}
		result, err := h.core.Invoke(ctx, admin, svc, op, params)
		if err != nil {
			return http.StatusUnprocessableEntity, faultJSON(err)
		}
		return http.StatusOK, map[string]any{"result": JSONValue(result)}
	}
}

func faultJSON(err error) map[string]any {
	f := gateway.AsFault(err)
	out := map[string]any{"error": f.Message, "kind": f.Kind.String()}
	if f.Name != "" {
		out["fault"] = f.Name
	}
	return out
}

// JSONValue is a neutral value as JSON: a struct as an object (members in
// order), exact decimals and big integers as strings, bytes as base64,
// times in RFC 3339.
func JSONValue(v any) any {
	switch v := v.(type) {
	case gateway.Struct:
		return orderedObject(v)
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = JSONValue(item)
		}
		return out
	case time.Time:
		if v.Location() == gateway.NoZone {
			return v.Format("2006-01-02T15:04:05.999999999")
		}
		return v.Format(time.RFC3339Nano)
	case []byte:
		return base64.StdEncoding.EncodeToString(v)
	case gateway.Decimal:
		return string(v)
	case gateway.BigInt:
		return string(v)
	}
	return v
}

// orderedObject is a struct as a JSON object whose members keep the
// schema's order.
type orderedObject gateway.Struct

func (o orderedObject) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		name, err := json.Marshal(m.Name)
		if err != nil {
			return nil, err
		}
		b = append(append(b, name...), ':')
		v, err := json.Marshal(JSONValue(m.Value))
		if err != nil {
			return nil, err
		}
		b = append(b, v...)
	}
	return append(b, '}'), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

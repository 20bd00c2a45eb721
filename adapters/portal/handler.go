// Package portal is the browser front end: LDAP login, a dashboard with the
// user's live clients, forms generated from each operation's WSDL input, and
// an admin view of every perspective. It works with cookies on or off: the
// session is negotiated as Twisted's guard did (set a cookie, redirect, see
// whether it came back) and, when cookies are refused, the token rides in a
// URL path segment (/portal/s/TOKEN/...) of every link and form.
package portal

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"gateway/adapters/httpx"
	"gateway/gateway"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// AdminGroup may see every perspective and log any client out.
const AdminGroup = "admins"

// maxFormBytes bounds a submitted form.
const maxFormBytes = 1 << 20

// Options configure the portal.
type Options struct {
	Proxies httpx.Proxies
	Log     *slog.Logger
	// Explorer holds Swagger UI's files (the swagger-ui-dist npm package's
	// folder) for the API explorer page; nil: the page says how to install
	// them. The gateway serves them itself (no CDN), so they run under the
	// portal's Content-Security-Policy.
	Explorer fs.FS
	// SSO offers "Sign in with SSO" on the login page; nil: passwords
	// (and certificates) only.
	SSO SSO
	// PublicURL is the gateway's public base URL (the SSO callback's).
	PublicURL string
}

// Handler serves /portal/.
type Handler struct {
	core     *gateway.Core
	opts     Options
	pages    map[string]*template.Template
	static   http.Handler
	explorer http.Handler // Swagger UI's files, or nil
}

// explorerFiles are the only files of swagger-ui-dist the portal serves.
var explorerFiles = []string{"swagger-ui-bundle.js", "swagger-ui.css"}

// New parses the templates.
func New(core *gateway.Core, opts Options) (*Handler, error) {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	h := &Handler{core: core, opts: opts, pages: map[string]*template.Template{}}
	funcs := template.FuncMap{
		"isStruct": func(v any) bool { _, ok := v.(gateway.Struct); return ok },
		"isList":   func(v any) bool { _, ok := v.([]any); return ok },
		"isGrid":   isGrid,
		"columns":  columns,
		"rows":     rows,
		"scalar":   scalar,
		"since":    func(t time.Time) string { return t.UTC().Format(timeLayout) },
		"ago":      func(t time.Time) string { return ago(time.Since(t)) },
		"agent":    summarizeAgent,
	}
	for _, page := range []string{"login", "dashboard", "operation", "admin", "explorer"} {
		t, err := template.New(page).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, err
		}
		h.pages[page] = t
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	h.static = http.StripPrefix("/portal/static/", http.FileServer(http.FS(sub)))
	if opts.Explorer != nil {
		for _, name := range explorerFiles {
			if _, err := fs.Stat(opts.Explorer, name); err != nil {
				return nil, fmt.Errorf("portal: the API explorer's folder has no %s (it must be the swagger-ui-dist package): %w", name, err)
			}
		}
		h.explorer = http.StripPrefix("/portal/static/swagger-ui/", http.FileServer(http.FS(opts.Explorer)))
	}
	return h, nil
}

// request is one portal request with its session, if any.
type request struct {
	w       http.ResponseWriter
	r       *http.Request
	token   string
	urlMode bool   // the token came in the path: cookies are off
	base    string // "/portal/" or "/portal/s/TOKEN/": every link and form starts here
	path    string // the rest of the path after base
	session *gateway.Session
}

// csrf is the per-session form token: an HMAC keyed by the session token,
// so only a page that knows the token can make it, and every node computes
// the same one without storing anything.
func (q *request) csrf() string {
	key := q.token
	if key == "" && q.session != nil {
		// A certificate's session has no token in the browser: its hash
		// (never shown to anyone) keys the form token instead.
		key = q.session.TokenHash
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte("gateway portal csrf"))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// urlToken is the session token when it rides in the URL (cookies off),
// for a page's script to send as X-Gateway-Session; else empty (the
// cookie goes with the script's same-origin calls by itself).
func (q *request) urlToken() string {
	if q.urlMode {
		return q.token
	}
	return ""
}

func (q *request) csrfOK() bool {
	return subtle.ConstantTimeCompare([]byte(q.r.PostFormValue("csrf")), []byte(q.csrf())) == 1
}

// securityHeaders go on every portal response. The referrer policy keeps a
// token in the URL from leaving the gateway in a Referer header.
func securityHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if r.TLS != nil {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	// same-origin, not no-referrer: under no-referrer a browser sends
	// Origin: null with the portal's own forms, which the login's CSRF
	// check must refuse from anyone else.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w, r)
	rest := strings.TrimPrefix(r.URL.Path, "/portal")
	if name, ok := strings.CutPrefix(rest, "/static/swagger-ui/"); ok {
		if h.explorer == nil || !slices.Contains(explorerFiles, name) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.explorer.ServeHTTP(w, r)
		return
	}
	if strings.HasPrefix(rest, "/static/") {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.static.ServeHTTP(w, r)
		return
	}
	q := &request{w: w, r: r, base: "/portal/"}
	if tail, ok := strings.CutPrefix(rest, "/s/"); ok {
		token, after, _ := strings.Cut(tail, "/")
		q.token, q.urlMode, q.path = token, true, after
		q.base = "/portal/s/" + url.PathEscape(token) + "/"
		// A link with a token in it must not take over a browser that is
		// signed in by cookie (an attacker's link would otherwise make the
		// victim work in the attacker's session): the cookie's session wins.
		if c, err := r.Cookie(httpx.CookieName); err == nil && c.Value != "" && after != "check" {
			if _, err := h.core.Resume(r.Context(), c.Value); err == nil {
				if r.Method != http.MethodGet {
					http.Error(w, "forbidden: this browser is signed in by cookie; use /portal/", http.StatusForbidden)
					return
				}
				http.Redirect(w, r, "/portal/"+after, http.StatusSeeOther)
				return
			}
		}
	} else {
		q.path = strings.TrimPrefix(rest, "/")
		if c, err := r.Cookie(httpx.CookieName); err == nil {
			q.token = c.Value
		}
	}
	switch {
	case q.path == "login" && !q.urlMode:
		h.login(q)
		return
	case q.path == "password" && !q.urlMode && r.Method == http.MethodPost:
		h.changePassword(q)
		return
	case q.path == "sso" && !q.urlMode && h.opts.SSO != nil && r.Method == http.MethodGet:
		h.ssoStart(q)
		return
	case q.path == "sso/callback" && !q.urlMode && h.opts.SSO != nil && r.Method == http.MethodGet:
		h.ssoFinish(q)
		return
	case q.path == "check":
		h.check(q)
		return
	}
	if q.token == "" {
		if cert := httpx.ClientCertificate(r); cert != nil {
			// A browser with a verified client certificate is signed in by
			// it, without a form, a cookie or a token in the URL: every
			// request's certificate finds the same session (the core keys
			// a certificate's session by the certificate).
			s, err := h.core.CredentialSession(r.Context(), gateway.Credentials{Certificate: cert}, h.opts.Proxies.Client(r, gateway.ProtocolPortal))
			if err != nil {
				h.render(q, http.StatusUnauthorized, "login", &view{Title: "Sign in", Certificate: cert.Subject.CommonName,
					Error: "Your certificate was accepted, but " + gateway.AsFault(err).Message + "."})
				return
			}
			h.serveSession(q, s)
			return
		}
		http.Redirect(w, r, loginURL("", q.path, r), http.StatusSeeOther)
		return
	}
	s, err := h.core.Resume(r.Context(), q.token)
	if err != nil {
		if !q.urlMode {
			httpx.ClearSession(w, r)
		}
		if errors.Is(err, gateway.ErrUnavailable) {
			h.render(q, http.StatusServiceUnavailable, "login", &view{Title: "Sign in", Error: "The session store is unavailable; try again shortly."})
			return
		}
		http.Redirect(w, r, loginURL("ended=1", q.path, r), http.StatusSeeOther)
		return
	}
	h.serveSession(q, s)
}

// serveSession serves a page of a signed-in session.
func (h *Handler) serveSession(q *request, s *gateway.Session) {
	w, r := q.w, q.r
	q.session = s
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil || !q.csrfOK() {
			http.Error(w, "forbidden: missing or wrong form token (reload the page)", http.StatusForbidden)
			return
		}
	}
	switch {
	case q.path == "" && r.Method == http.MethodGet:
		h.dashboard(q)
	case q.path == "events" && r.Method == http.MethodGet:
		h.events(q)
	case q.path == "logout" && r.Method == http.MethodPost:
		h.logout(q)
	case q.path == "admin" && r.Method == http.MethodGet:
		h.admin(q, "")
	case q.path == "explorer" && r.Method == http.MethodGet:
		h.render(q, http.StatusOK, "explorer", &view{Title: "API explorer", Explorer: h.explorer != nil, URLToken: q.urlToken()})
	case q.path == "admin/logout" && r.Method == http.MethodPost:
		h.adminLogout(q)
	case strings.HasPrefix(q.path, "op/"):
		h.operation(q)
	default:
		http.NotFound(w, r)
	}
}

// render writes a page.
func (h *Handler) render(q *request, status int, page string, v *view) {
	if v.Base == "" {
		v.Base = q.base
	}
	if q.session != nil {
		v.Identity = &q.session.Identity
		v.IsAdmin = q.session.Identity.InAnyGroup([]string{AdminGroup})
		v.CSRF = q.csrf()
		v.Self = q.session.Client.ID
	}
	// Rendered whole before anything is sent, so a template error is a
	// clean 500 and never half a page.
	var buf bytes.Buffer
	if err := h.pages[page].ExecuteTemplate(&buf, "layout", v); err != nil {
		h.opts.Log.Error("portal render", "page", page, "err", err)
		http.Error(q.w, "internal error", http.StatusInternalServerError)
		return
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	q.w.WriteHeader(status)
	_, _ = q.w.Write(buf.Bytes())
}

// signInRefused is the status and message of a refused sign-in (or
// password change); unauthenticated says what a wrong password means
// where it happened.
func signInRefused(err error, unauthenticated string) (int, string) {
	switch gateway.AsFault(err).Kind {
	case gateway.FaultUnauthenticated:
		return http.StatusUnauthorized, unauthenticated
	case gateway.FaultUnavailable:
		return http.StatusServiceUnavailable, "The directory is unavailable; try again shortly."
	case gateway.FaultTooManyRequests:
		return http.StatusTooManyRequests, "Too many attempts; wait a minute and try again."
	case gateway.FaultPasswordExpired:
		return http.StatusUnauthorized, "Your password has expired (or must be changed after a reset): change it below."
	case gateway.FaultAccountDisabled:
		return http.StatusForbidden, "Your account is disabled, locked or expired: ask your administrator."
	}
	return http.StatusBadRequest, gateway.AsFault(err).Message
}

// checkCookie is set with the login form and must come back with the
// login post: that is how the portal learns, before any token exists,
// whether this browser keeps cookies (the guard negotiation, done one step
// early so that a token goes into a URL only for a browser that refused
// the cookie).
const checkCookie = "gw_cookie_check"

// login shows the form, and on POST authenticates and starts a new session
// (a new token at every login: no fixation), by cookie when the form's
// check cookie came back, else in the URL.
func (h *Handler) login(q *request) {
	v := &view{Title: "Sign in", Next: safeNext(q.r.FormValue("next")), SSO: h.opts.SSO != nil}
	if cert := httpx.ClientCertificate(q.r); cert != nil {
		v.Certificate = cert.Subject.CommonName
	}
	switch {
	case q.r.URL.Query().Get("ended") != "":
		v.Flash = "Your session has ended. Please sign in again."
	case q.r.URL.Query().Get("signedout") != "":
		v.Flash = "You signed out."
	}
	if q.r.Method != http.MethodPost {
		http.SetCookie(q.w, &http.Cookie{Name: checkCookie, Value: "1", Path: "/portal/",
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: q.r.TLS != nil})
		h.render(q, http.StatusOK, "login", v)
		return
	}
	// Login CSRF: a login form posted from another site (or a sandboxed
	// frame, whose Origin is "null") is refused.
	if h.opts.Proxies.Foreign(q.r) {
		h.opts.Log.WarnContext(q.r.Context(), "cross-site login refused", "origin", q.r.Header.Get("Origin"),
			"sec_fetch_site", q.r.Header.Get("Sec-Fetch-Site"), "host", q.r.Host)
		http.Error(q.w, "forbidden: cross-site login", http.StatusForbidden)
		return
	}
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, maxFormBytes)
	if err := q.r.ParseForm(); err != nil {
		http.Error(q.w, "bad form", http.StatusBadRequest)
		return
	}
	res, err := h.core.CallSession(q.r.Context(), gateway.SessionCall{Protocol: gateway.ProtocolPortal, Operation: "Login",
		Params: gateway.Struct{{Name: "username", Value: q.r.PostFormValue("username")}, {Name: "password", Value: q.r.PostFormValue("password")}},
		Client: h.opts.Proxies.Client(q.r, gateway.ProtocolPortal)})
	token := res.Token
	if err != nil {
		status, msg := signInRefused(err, "Invalid username or password.")
		if gateway.AsFault(err).Kind == gateway.FaultPasswordExpired {
			v.ChangePassword, v.Username = true, q.r.PostFormValue("username")
		}
		v.Error = msg
		h.render(q, status, "login", v)
		return
	}
	httpx.SetSession(q.w, q.r, token)
	q.w.Header().Del(httpx.HeaderName) // a browser needs the cookie, not the header
	if _, err := q.r.Cookie(checkCookie); err == nil {
		http.Redirect(q.w, q.r, "/portal/"+v.Next, http.StatusSeeOther)
		return
	}
	// The check cookie set with the form did not come back: this browser
	// refuses cookies (or posted without loading the form), so the token
	// rides in the URL. The cookie set above still lets a browser that does
	// keep it leave URL mode at its next /check.
	http.Redirect(q.w, q.r, "/portal/s/"+url.PathEscape(token)+"/"+v.Next, http.StatusSeeOther)
}

// loginURL is the login page, with query (e.g. "ended=1") and, for a page
// other than the dashboard asked for with GET, the page to go on to
// after signing in.
func loginURL(query, path string, r *http.Request) string {
	u := "/portal/login"
	params := url.Values{}
	if query != "" {
		params, _ = url.ParseQuery(query)
	}
	if next := safeNext(path); next != "" && r.Method == http.MethodGet {
		params.Set("next", next)
	}
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	return u
}

// safeNext is a page to go on to after login if it is one of the
// portal's own pages (an operation's form, the admin page), else "": a
// login link must not send anyone elsewhere.
func safeNext(path string) string {
	if path == "admin" {
		return path
	}
	rest, ok := strings.CutPrefix(path, "op/")
	if !ok || len(path) > 300 {
		return ""
	}
	service, op, ok := strings.Cut(rest, "/")
	if !ok || !plainName(service) || !plainName(op) {
		return ""
	}
	return path
}

// plainName is a service's or an operation's name as a URL path holds it.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return s != "." && s != ".."
}

// check is the second half of the negotiation: if the cookie came back, go on
// with cookies (and a token-free URL); if not, stay in URL mode.
func (h *Handler) check(q *request) {
	if !q.urlMode {
		http.Redirect(q.w, q.r, "/portal/", http.StatusSeeOther)
		return
	}
	if c, err := q.r.Cookie(httpx.CookieName); err == nil && subtle.ConstantTimeCompare([]byte(c.Value), []byte(q.token)) == 1 {
		http.Redirect(q.w, q.r, "/portal/", http.StatusSeeOther)
		return
	}
	http.Redirect(q.w, q.r, q.base, http.StatusSeeOther)
}

func (h *Handler) logout(q *request) {
	_, _ = h.core.CallSession(q.r.Context(), gateway.SessionCall{Protocol: gateway.ProtocolPortal, Operation: "Logout", Session: q.session})
	if !q.urlMode {
		httpx.ClearSession(q.w, q.r)
	}
	http.Redirect(q.w, q.r, "/portal/login?signedout=1", http.StatusSeeOther)
}

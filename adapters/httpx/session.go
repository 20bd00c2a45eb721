// Package httpx holds what every HTTP front end does the same way: finding
// the session token or per-call credentials on a request, setting the session
// cookie, and describing the client. It knows no wire format.
package httpx

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"gateway/gateway"
)

// Names of the token transports in the contract.
const (
	CookieName = "gw_session"
	HeaderName = "X-Gateway-Session"
)

// Token returns the session token a request carries: the X-Gateway-Session
// header first, then the gw_session cookie.
func Token(r *http.Request) string {
	t, _ := TokenFrom(r)
	return t
}

// TokenFrom is Token, and whether the token came from the cookie: a browser
// sends the cookie on requests that other sites make, so a call it
// authenticates must pass CrossSite first.
func TokenFrom(r *http.Request) (token string, cookie bool) {
	if t := strings.TrimSpace(HeaderValue(r, HeaderName)); t != "" {
		return t, false
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value, true
	}
	return "", false
}

// CrossSite says why an API call authenticated by the session cookie may
// have been made by another site's page, or "" when it may not: the call
// must be a request a page can only send after a CORS preflight (which
// the gateway never grants), that is with a Content-Type other than none
// and the three a form may send; and neither Origin nor Sec-Fetch-Site may
// name another origin. SameSite=Lax alone lets a same-site origin (another
// subdomain) and a fetch with mode no-cors through. Calls that carry the
// token in a header or send credentials are not affected: no page can make
// a browser add those.
func (ra Proxies) CrossSite(r *http.Request) string {
	switch MediaType(r.Header.Get("Content-Type")) {
	case "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
		return "a call authenticated by the session cookie needs an XML Content-Type"
	}
	if ra.Foreign(r) {
		return "a call authenticated by the session cookie must come from the gateway's own pages"
	}
	return ""
}

// Foreign reports whether a browser says that another origin made the
// request. Sec-Fetch-Site, which no page can set, decides when a browser
// sends it: anything but same-origin or none (a bookmark, the address
// bar) is foreign. Without it, an Origin that is not the gateway's own is
// foreign, and "null" (sandboxed frames, cross-origin redirects) is never
// the gateway's own. (A browser that sends both may still say Origin: null
// for its own page's form under some referrer policies: Sec-Fetch-Site
// same-origin is the stronger word.) A request with neither header comes
// from no browser page that could forge it: browsers send Origin on every
// cross-origin POST.
func (ra Proxies) Foreign(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return false
	case "":
	default:
		return true
	}
	origin, ok := r.Header["Origin"]
	return ok && !ra.sameOrigin(r, origin[0])
}

// sameOrigin reports whether an Origin header names the host the request
// was sent to (or a trusted proxy's X-Forwarded-Host). "null" (a sandboxed
// frame, a cross-origin redirect) never does.
func (ra Proxies) sameOrigin(r *http.Request, origin string) bool {
	if origin == "" || origin == "null" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	if peer, _, err := net.SplitHostPort(r.RemoteAddr); err == nil && ra.trusts(peer) {
		if h := r.Header.Get("X-Forwarded-Host"); h != "" {
			return strings.EqualFold(u.Host, strings.TrimSpace(strings.Split(h, ",")[0]))
		}
	}
	return false
}

// BasicCredentials returns HTTP Basic credentials, if the request has them.
func BasicCredentials(r *http.Request) (gateway.Credentials, bool) {
	u, p, ok := r.BasicAuth()
	if !ok {
		return gateway.Credentials{}, false
	}
	return gateway.Credentials{Username: u, Password: p}, true
}

// CallCredentials are a call's own credentials when it carries no session:
// HTTP Basic if the request has it, else the client certificate the TLS
// handshake verified (tls.client_ca_file). Basic wins so that a client
// with a machine certificate can still act as a person.
func CallCredentials(r *http.Request) (gateway.Credentials, bool) {
	if creds, ok := BasicCredentials(r); ok {
		return creds, true
	}
	if jwt, ok := BearerJWT(r); ok {
		return gateway.Credentials{Bearer: jwt, Expires: jwtExpiry(jwt)}, true
	}
	if auth := r.Header.Get("Authorization"); len(auth) > 10 && strings.EqualFold(auth[:10], "Negotiate ") {
		if tok, err := base64.StdEncoding.DecodeString(strings.TrimSpace(auth[10:])); err == nil && len(tok) > 0 {
			return gateway.Credentials{Negotiate: tok}, true
		}
	}
	if cert := ClientCertificate(r); cert != nil {
		return gateway.Credentials{Certificate: cert}, true
	}
	return gateway.Credentials{}, false
}

// BearerJWT is an Authorization: Bearer value that is a JWT (an identity
// provider's token), not a gateway session token: three base64url
// segments whose first is a JSON header. A gateway token is 43 base64url
// characters without dots, so the two never meet.
func BearerJWT(r *http.Request) (string, bool) {
	auth := r.Header.Get("Authorization")
	if len(auth) < 7 || !strings.EqualFold(auth[:7], "Bearer ") {
		return "", false
	}
	tok := strings.TrimSpace(auth[7:])
	return tok, IsJWT(tok)
}

// IsJWT reports whether s has a JWT's shape (it says nothing of its
// signature).
func IsJWT(s string) bool {
	head, rest, ok := strings.Cut(s, ".")
	if !ok || strings.Count(rest, ".") != 1 || len(s) > 16<<10 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(head)
	return err == nil && len(raw) > 0 && raw[0] == '{'
}

// jwtExpiry is a JWT's exp, unverified (zero if it has none): the core
// ends the token's session then; the checker verifies it at login.
func jwtExpiry(tok string) time.Time {
	parts := strings.Split(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	if json.Unmarshal(raw, &claims) != nil {
		return time.Time{}
	}
	f, err := claims.Exp.Float64()
	if err != nil || f <= 0 {
		return time.Time{}
	}
	return time.Unix(int64(f), 0)
}

// ClientCertificate is the leaf of the request's verified client
// certificate chain, or nil.
func ClientCertificate(r *http.Request) *x509.Certificate {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return nil
	}
	return r.TLS.VerifiedChains[0][0]
}

// SetSession hands a new token to the client as a cookie and a header. A
// response that carries a token is never stored by a cache.
func SetSession(w http.ResponseWriter, r *http.Request, token string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set(HeaderName, token)
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
}

// ClearSession tells the client to forget its cookie.
func ClearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
}

// Proxies knows which peers are trusted reverse proxies: only their
// X-Forwarded-* headers are believed.
type Proxies struct {
	Trusted []*net.IPNet
}

// ClientAddr returns the address of the client that sent r.
func (ra Proxies) ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !ra.trusts(host) {
		return host
	}
	if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
		parts := strings.Split(fwd, ",")
		return strings.TrimSpace(parts[len(parts)-1]) // the hop our proxy saw
	}
	return host
}

func (ra Proxies) trusts(host string) bool {
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range ra.Trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// Client describes the client of a request on protocol.
func (ra Proxies) Client(r *http.Request, protocol string) gateway.ClientInfo {
	ua := r.UserAgent()
	if len(ua) > 200 {
		ua = ua[:200]
	}
	return gateway.ClientInfo{Protocol: protocol, Remote: ra.ClientAddr(r), UserAgent: strings.ToValidUTF8(ua, "?")}
}

// BaseURL is the URL the client used to reach the gateway, without a path:
// publicURL when set; else the request's scheme and Host, or the
// X-Forwarded-Proto and X-Forwarded-Host of a trusted proxy.
func (ra Proxies) BaseURL(r *http.Request, publicURL string) string {
	if publicURL != "" {
		return strings.TrimRight(publicURL, "/")
	}
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if peer, _, err := net.SplitHostPort(r.RemoteAddr); err == nil && ra.trusts(peer) {
		if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
			scheme = p
		}
		if h := r.Header.Get("X-Forwarded-Host"); h != "" {
			host = strings.TrimSpace(strings.Split(h, ",")[0])
		}
	}
	if !validHost(host) {
		host = "localhost"
	}
	return scheme + "://" + host
}

// validHost reports whether h is a host[:port] a URL may carry as is: a
// DNS name or IPv4 address, or an IPv6 literal in brackets, then digits.
// Anything else in a Host header (quotes, angle brackets, paths, user
// info, percent signs) is not echoed into a published document.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	name, port := h, ""
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 || net.ParseIP(h[1:end]) == nil {
			return false
		}
		name, port = "", h[end+1:]
		if port != "" && port[0] != ':' {
			return false
		}
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 {
		name, port = h[:i], h[i:]
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	if port != "" {
		if len(port) < 2 || len(port) > 6 {
			return false
		}
		for i := 1; i < len(port); i++ {
			if port[i] < '0' || port[i] > '9' {
				return false
			}
		}
	}
	return true
}

// DefaultMaxBodyBytes bounds a request body when the configuration says
// nothing (limits.max_body_bytes).
const DefaultMaxBodyBytes = 4 << 20

// LimitBody refuses, with its HTTP error, a body the gateway will not read:
// a compressed one (415: a gzip bomb cannot inflate past the limit if it is
// never inflated) or one whose Content-Length is over max (413, before any
// of it is read); it returns false then. Otherwise it bounds a body
// without a Content-Length at max (a longer one fails with
// *http.MaxBytesError); a body with one is already bounded by the server,
// whose reader ends it there (net/http, its HTTP/2 server, the fasthttp
// bridge), so it is not wrapped again.
func LimitBody(w http.ResponseWriter, r *http.Request, max int64) bool {
	if ce := strings.TrimSpace(HeaderValue(r, "Content-Encoding")); ce != "" && !strings.EqualFold(ce, "identity") {
		http.Error(w, "compressed request bodies are not accepted", http.StatusUnsupportedMediaType)
		return false
	}
	if r.ContentLength > max {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return false
	}
	if r.ContentLength < 0 {
		r.Body = http.MaxBytesReader(w, r.Body, max)
	}
	return true
}

// ErrNoCredentials is the cause of the Unauthenticated fault a call gets
// when it carries nothing at all to authenticate with (no session token,
// no credentials): the one case an HTTP authentication challenge answers.
var ErrNoCredentials = errors.New("no session and no credentials")

// Challenge turns a response into an HTTP authentication challenge: 401
// with WWW-Authenticate for Basic in the gateway's realm. Client libraries that send
// credentials only when asked (Perl's LWP, .NET's Credentials without
// PreAuthenticate, Java's Authenticator) then retry with them.
func Challenge(w http.ResponseWriter, negotiate bool) int {
	w.Header().Set("WWW-Authenticate", `Basic realm="`+Realm+`", charset="UTF-8"`)
	if negotiate {
		// Kerberos clients (curl --negotiate, .NET's DefaultCredentials,
		// browsers on an intranet) send a ticket only when offered.
		w.Header().Add("WWW-Authenticate", "Negotiate")
	}
	return http.StatusUnauthorized
}

// Realm is the realm of the HTTP authentication challenge.
const Realm = "gateway"

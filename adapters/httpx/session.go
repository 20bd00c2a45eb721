// Package httpx holds what every HTTP front end does the same way: finding
// the session token or per-call credentials on a request, setting the session
// cookie, and describing the client. It knows no wire format.
package httpx

import (
	"net"
	"net/http"
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
	if t := strings.TrimSpace(r.Header.Get(HeaderName)); t != "" {
		return t
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value
	}
	return ""
}

// BasicCredentials returns HTTP Basic credentials, if the request has them.
func BasicCredentials(r *http.Request) (gateway.Credentials, bool) {
	u, p, ok := r.BasicAuth()
	if !ok {
		return gateway.Credentials{}, false
	}
	return gateway.Credentials{Username: u, Password: p}, true
}

// SetSession hands a new token to the client as a cookie and a header.
func SetSession(w http.ResponseWriter, r *http.Request, token string) {
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
	if host == "" || strings.ContainsAny(host, "/\\ \"<>") {
		host = "localhost"
	}
	return scheme + "://" + host
}

// LimitBody refuses, with its HTTP error, a body the gateway will not read:
// a compressed one (415: a gzip bomb cannot inflate past the limit if it is
// never inflated) or one whose Content-Length is over max (413, before any
// of it is read); it returns false then. Otherwise it bounds r.Body at max
// (a longer body without a Content-Length fails with *http.MaxBytesError).
func LimitBody(w http.ResponseWriter, r *http.Request, max int64) bool {
	if ce := strings.TrimSpace(r.Header.Get("Content-Encoding")); ce != "" && !strings.EqualFold(ce, "identity") {
		http.Error(w, "compressed request bodies are not accepted", http.StatusUnsupportedMediaType)
		return false
	}
	if r.ContentLength > max {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, max)
	return true
}

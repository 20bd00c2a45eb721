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

// RemoteAddr returns the client's address. Forwarded headers are believed
// only from trusted proxies.
type RemoteAddr struct {
	Trusted []*net.IPNet
}

// Of returns the address of the client that sent r.
func (ra RemoteAddr) Of(r *http.Request) string {
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

func (ra RemoteAddr) trusts(host string) bool {
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
func (ra RemoteAddr) Client(r *http.Request, protocol string) gateway.ClientInfo {
	ua := r.UserAgent()
	if len(ua) > 200 {
		ua = ua[:200]
	}
	return gateway.ClientInfo{Protocol: protocol, Remote: ra.Of(r), UserAgent: strings.ToValidUTF8(ua, "?")}
}

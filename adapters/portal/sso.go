package portal

import (
	"encoding/base64"
	"encoding/json"
	"net/http"

	"gateway/adapters/httpx"
	"gateway/gateway"
)

// SSO is signing in at an identity provider (OpenID Connect's
// authorization code flow, in oidcauth): Start is where to send the
// browser and what to keep until it comes back; Finish turns the code it
// comes back with into credentials for the core.
type SSO interface {
	Start(r *http.Request, redirectURL string) (authURL string, f SSOFlow, err error)
	Finish(r *http.Request, redirectURL, code string, f SSOFlow) (gateway.Credentials, error)
}

// SSOFlow is a sign-in in progress: its state (against a forged
// callback), PKCE verifier and nonce.
type SSOFlow struct {
	State    string `json:"s"`
	Verifier string `json:"v"`
	Nonce    string `json:"n"`
	Next     string `json:"next,omitempty"` // the page asked for
}

// ssoCookie keeps the flow in the browser between leaving for the provider
// and coming back: any node can finish it (nothing is stored), and the
// state in it must match the callback's (a callback another site makes
// the browser open carries a state this browser never started).
const ssoCookie = "gw_sso"

// ssoStart sends the browser to the provider.
func (h *Handler) ssoStart(q *request) {
	authURL, f, err := h.opts.SSO.Start(q.r, h.ssoCallback(q.r))
	if err != nil {
		h.render(q, http.StatusServiceUnavailable, "login", &view{Title: "Sign in", SSO: true, Error: "The identity provider is unavailable; try again shortly, or sign in with your password."})
		return
	}
	f.Next = safeNext(q.r.FormValue("next"))
	raw, _ := json.Marshal(f)
	http.SetCookie(q.w, &http.Cookie{Name: ssoCookie, Value: base64.RawURLEncoding.EncodeToString(raw), Path: "/portal/",
		MaxAge: 600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: q.r.TLS != nil})
	http.Redirect(q.w, q.r, authURL, http.StatusSeeOther)
}

// ssoFinish takes the browser back from the provider, logs it in and sets
// the session cookie (a sign-in at a provider needs cookies: its flow
// rides in one).
func (h *Handler) ssoFinish(q *request) {
	fail := func(status int, msg string) {
		h.render(q, status, "login", &view{Title: "Sign in", SSO: true, Error: msg})
	}
	var f SSOFlow
	c, err := q.r.Cookie(ssoCookie)
	if err == nil {
		raw, derr := base64.RawURLEncoding.DecodeString(c.Value)
		err = derr
		if err == nil {
			err = json.Unmarshal(raw, &f)
		}
	}
	http.SetCookie(q.w, &http.Cookie{Name: ssoCookie, Value: "", Path: "/portal/", MaxAge: -1})
	switch {
	case q.r.FormValue("error") != "":
		fail(http.StatusUnauthorized, "The identity provider did not sign you in ("+q.r.FormValue("error")+").")
		return
	case err != nil || f.State == "":
		fail(http.StatusBadRequest, "Single sign-on needs cookies, and this sign-in was not started here: start again.")
		return
	case q.r.FormValue("state") != f.State:
		h.opts.Log.WarnContext(q.r.Context(), "sso: a callback whose state this browser did not start")
		fail(http.StatusBadRequest, "This sign-in was not started here: start again.")
		return
	}
	creds, err := h.opts.SSO.Finish(q.r, h.ssoCallback(q.r), q.r.FormValue("code"), f)
	if err != nil {
		status, msg := http.StatusUnauthorized, "The identity provider's answer was refused: "+gateway.AsFault(err).Message+"."
		if gateway.AsFault(err).Kind == gateway.FaultUnavailable {
			status, msg = http.StatusServiceUnavailable, "The identity provider is unavailable; try again shortly."
		}
		fail(status, msg)
		return
	}
	token, _, err := h.core.Login(q.r.Context(), creds, h.opts.Proxies.Client(q.r, gateway.ProtocolPortal))
	if err != nil {
		fail(http.StatusUnauthorized, "You were signed in at the identity provider, but "+gateway.AsFault(err).Message+".")
		return
	}
	httpx.SetSession(q.w, q.r, token)
	q.w.Header().Del(httpx.HeaderName)
	http.Redirect(q.w, q.r, "/portal/"+f.Next, http.StatusSeeOther)
}

// ssoCallback is the redirect URL registered at the provider.
func (h *Handler) ssoCallback(r *http.Request) string {
	return h.opts.Proxies.BaseURL(r, h.opts.PublicURL) + "/portal/sso/callback"
}

package portal

import (
	"net/http"

	"gateway/adapters/httpx"
	"gateway/gateway"
)

// changePassword takes the form a user whose password expired is shown
// at sign-in: the current password and a new one (twice); on success the
// user is signed in with the new one, as by the login form.
func (h *Handler) changePassword(q *request) {
	v := &view{Title: "Change your password", ChangePassword: true, Next: safeNext(q.r.FormValue("next"))}
	if h.opts.Proxies.Foreign(q.r) {
		http.Error(q.w, "forbidden: cross-site request", http.StatusForbidden)
		return
	}
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, maxFormBytes)
	if err := q.r.ParseForm(); err != nil {
		http.Error(q.w, "bad form", http.StatusBadRequest)
		return
	}
	user, old, next := q.r.PostFormValue("username"), q.r.PostFormValue("old"), q.r.PostFormValue("new")
	v.Username = user
	if next != q.r.PostFormValue("confirm") {
		v.Error = "The two new passwords differ."
		h.render(q, http.StatusBadRequest, "login", v)
		return
	}
	client := h.opts.Proxies.Client(q.r, gateway.ProtocolPortal)
	if err := h.core.ChangePassword(q.r.Context(), user, old, next, client); err != nil {
		status, msg := signInRefused(err, "The current password is wrong.")
		v.Error = msg
		h.render(q, status, "login", v)
		return
	}
	token, _, err := h.core.Login(q.r.Context(), gateway.Credentials{Username: user, Password: next}, client)
	if err != nil {
		h.render(q, http.StatusUnauthorized, "login", &view{Title: "Sign in", Flash: "Your password was changed; sign in with it."})
		return
	}
	httpx.SetSession(q.w, q.r, token)
	q.w.Header().Del(httpx.HeaderName)
	http.Redirect(q.w, q.r, "/portal/"+v.Next, http.StatusSeeOther)
}

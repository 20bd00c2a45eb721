package portal

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"gateway/gateway"
)

// view is what the templates render.
type view struct {
	Title    string
	Base     string
	CSRF     string
	Self     string
	Identity *gateway.Identity
	IsAdmin  bool
	Flash    string
	Error    string
	Next     string // the page to go on to after signing in

	Clients      []gateway.ClientInfo
	Services     []serviceView
	Op           *opView
	Fields       []*field
	Result       any
	HasResult    bool
	Fault        string
	Perspectives []perspectiveView
	Explorer     bool   // Swagger UI's files are installed
	Certificate  string // the common name of the browser's verified client certificate, if it has one
	SignedInWith string // how this browser's session proved who it is
	SSO          bool   // the login page offers single sign-on
	// ChangePassword shows the change-password form for Username (whose
	// password has expired).
	ChangePassword bool
	Username       string
	URLToken       string // the session token when cookies are off (for the explorer's calls)
}

type serviceView struct {
	Name    string
	Allowed bool
	Ops     []opView
}

type opView struct {
	Service, Name, Doc string
}

type perspectiveView struct {
	User    string
	Clients []gateway.ClientInfo
}

func (h *Handler) dashboard(q *request) {
	ctx := q.r.Context()
	clients, err := h.core.Perspective(q.session).Clients(ctx)
	v := &view{Title: "Dashboard", Clients: clients, SignedInWith: signedInWith(q.session.Client.Auth)}
	if err != nil {
		v.Error = "The session store is unavailable; the client list may be incomplete."
	}
	for _, svc := range h.core.Services().Services() {
		sv := serviceView{Name: svc.Name, Allowed: q.session.Identity.InAnyGroup(svc.AllowGroups)}
		for _, op := range svc.Definition.Operations {
			sv.Ops = append(sv.Ops, opView{Service: svc.Name, Name: op.Name, Doc: op.Doc})
		}
		v.Services = append(v.Services, sv)
	}
	h.render(q, http.StatusOK, "dashboard", v)
}

// operation shows an operation's form and, on POST, calls it through the
// core like any other front end and shows the result or the fault.
func (h *Handler) operation(q *request) {
	parts := strings.Split(strings.TrimPrefix(q.path, "op/"), "/")
	if len(parts) != 2 {
		http.NotFound(q.w, q.r)
		return
	}
	svc, op, err := h.core.Services().Lookup(parts[0], parts[1])
	if err != nil {
		http.NotFound(q.w, q.r)
		return
	}
	v := &view{Title: op.Name, Op: &opView{Service: svc.Name, Name: op.Name, Doc: op.Doc}}
	// The group check comes before any work the WSDL could make costly.
	if !q.session.Identity.InAnyGroup(svc.AllowGroups) {
		v.Error = fmt.Sprintf("You (%s) are not in a group allowed to use %s.", q.session.Identity.Username, svc.Name)
		h.render(q, http.StatusForbidden, "operation", v)
		return
	}
	switch q.r.Method {
	case http.MethodGet:
		v.Fields = formFields(op.Input, newFormState(nil))
		h.render(q, http.StatusOK, "operation", v)
		return
	case http.MethodPost:
	default:
		http.Error(q.w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// The form comes back as it was sent, reshaped when the post was one of
	// its own buttons (open a structure, add or remove a row, pick a type)
	// rather than the call.
	state := newFormState(q.r.PostForm)
	if reshape := q.r.PostForm.Get("_op"); reshape != "" {
		state.apply(reshape)
		v.Fields = formFields(op.Input, state)
		h.render(q, http.StatusOK, "operation", v)
		return
	}
	v.Fields = formFields(op.Input, state)
	status := http.StatusOK
	params, err := decodeForm(op.Input, q.r.PostForm)
	if err == nil {
		start := time.Now()
		var result gateway.Struct
		result, err = h.core.Invoke(q.r.Context(), q.session, svc, op, params)
		h.core.Metrics().ObserveCall(gateway.ProtocolPortal, svc.Name, op.Name, err, time.Since(start))
		if err == nil {
			v.Result, v.HasResult = result, true
		}
	}
	if err != nil {
		v.Fault = faultMessage(err)
		status = http.StatusUnprocessableEntity
	}
	h.render(q, status, "operation", v)
}

func faultMessage(err error) string {
	if fe, ok := err.(*formError); ok {
		return fe.msg
	}
	f := gateway.AsFault(err)
	switch f.Kind {
	case gateway.FaultApplication:
		return f.Name + ": " + f.Message
	case gateway.FaultUnavailable:
		return "Unavailable: " + f.Message
	}
	return f.Message
}

func (h *Handler) admin(q *request, flash string) {
	if !q.session.Identity.InAnyGroup([]string{AdminGroup}) {
		http.Error(q.w, "forbidden: admins only", http.StatusForbidden)
		return
	}
	sessions, err := h.core.Sessions(q.r.Context())
	v := &view{Title: "Admin", Flash: flash}
	if err != nil {
		v.Error = "The session store is unavailable."
	}
	byUser := map[string][]gateway.ClientInfo{}
	for _, s := range sessions {
		c := s.Client
		c.LastSeen = s.LastSeen
		byUser[s.Identity.Username] = append(byUser[s.Identity.Username], c)
	}
	for user, clients := range byUser {
		sort.Slice(clients, func(i, j int) bool { return clients[i].AttachedAt.Before(clients[j].AttachedAt) })
		v.Perspectives = append(v.Perspectives, perspectiveView{User: user, Clients: clients})
	}
	sort.Slice(v.Perspectives, func(i, j int) bool { return v.Perspectives[i].User < v.Perspectives[j].User })
	h.render(q, http.StatusOK, "admin", v)
}

func (h *Handler) adminLogout(q *request) {
	if !q.session.Identity.InAnyGroup([]string{AdminGroup}) {
		http.Error(q.w, "forbidden: admins only", http.StatusForbidden)
		return
	}
	client := q.r.PostFormValue("client")
	if client == q.session.Client.ID && q.r.PostFormValue("confirm") == "" {
		// The admin's own browser: only with the box ticked, so that a
		// mis-click does not sign the admin out.
		h.admin(q, "That is this browser: tick \"this is me\" beside it to log it out.")
		return
	}
	msg := "The client was logged out; its perspective's other clients were told."
	if err := h.core.Detach(q.r.Context(), client, gateway.ReasonForced); err != nil {
		msg = "That client had already gone."
	}
	h.opts.Log.InfoContext(q.r.Context(), "forced logout", "audit", "forced_logout", "admin", q.session.Identity.Username, "client", client)
	if client == q.session.Client.ID {
		http.Redirect(q.w, q.r, "/portal/login?ended=1", http.StatusSeeOther)
		return
	}
	h.admin(q, msg)
}

// Helpers for rendering neutral values.

// isGrid is a list of structs: shown as one table.
func isGrid(v any) bool {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return false
	}
	for _, item := range list {
		if _, ok := item.(gateway.Struct); !ok {
			return false
		}
	}
	return true
}

func columns(v any) []string {
	var cols []string
	seen := map[string]bool{}
	for _, item := range v.([]any) {
		for _, m := range item.(gateway.Struct) {
			if !seen[m.Name] {
				seen[m.Name] = true
				cols = append(cols, m.Name)
			}
		}
	}
	return cols
}

func rows(v any, cols []string) [][]any {
	list := v.([]any)
	out := make([][]any, len(list))
	for i, item := range list {
		st := item.(gateway.Struct)
		row := make([]any, len(cols))
		for j, c := range cols {
			row[j], _ = st.Get(c)
		}
		out[i] = row
	}
	return out
}

func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05 UTC")
	case []byte:
		return fmt.Sprintf("%d bytes", len(x))
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		return fmt.Sprintf("%g", x)
	}
	return fmt.Sprint(v)
}

// signedInWith says how a session proved who it is, for the dashboard.
func signedInWith(auth string) string {
	switch auth {
	case gateway.AuthCertificate:
		return "a client certificate"
	case gateway.AuthToken:
		return "single sign-on"
	}
	return "a password"
}

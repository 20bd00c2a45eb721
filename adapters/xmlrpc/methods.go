package xmlrpc

import (
	"context"
	"math"
	"strings"
	"time"

	"gateway/adapters/httpx"
	"gateway/gateway"
	"gateway/wsdl"
)

// builtin describes a session.* or system.* method for introspection.
type builtin struct {
	name      string
	help      string
	signature [][]string
}

var sessionMethods = []builtin{
	{"session.login", "Log in with a username and password; returns {token, username, expires}. The token also comes as the gw_session cookie and the X-Gateway-Session header.",
		[][]string{{"struct", "string", "string"}, {"struct", "struct"}}},
	{"session.logout", "Log out: detaches this client from its perspective.", [][]string{{"boolean"}}},
	{"session.whoami", "Who you are, as the directory says, and the clients attached to your perspective.", [][]string{{"struct"}}},
	{"session.events", "Your perspective's events after sequence since, waiting up to wait seconds (at most 30) for the first one; returns {next, events}.",
		[][]string{{"struct", "int", "int"}, {"struct", "int"}, {"struct"}}},
}

var systemMethods = []builtin{
	{"system.listMethods", "The methods this server offers.", [][]string{{"array"}}},
	{"system.methodHelp", "The documentation of a method.", [][]string{{"string", "string"}}},
	{"system.methodSignature", "The signatures of a method: [return type, parameter types...].", [][]string{{"array", "string"}}},
	{"system.multicall", "Several calls in one request; each result is [value] or a fault struct.", [][]string{{"array", "array"}}},
	{"system.getCapabilities", "The specifications this server follows.", [][]string{{"struct"}}},
}

// call dispatches one method.
func (h *Handler) call(ctx context.Context, req *request, method string, params []any) (any, error) {
	switch method {
	case "session.login":
		return h.login(ctx, req, params)
	case "system.listMethods":
		return h.listMethods(), nil
	case "system.methodHelp":
		name, err := stringParam(params)
		if err != nil {
			return nil, err
		}
		return h.methodHelp(name)
	case "system.methodSignature":
		name, err := stringParam(params)
		if err != nil {
			return nil, err
		}
		return h.methodSignature(name)
	case "system.getCapabilities":
		return capabilities, nil
	case "system.multicall":
		return h.multicall(ctx, req, params)
	}
	if strings.HasPrefix(method, "session.") {
		return h.sessionCall(ctx, req, method, params)
	}
	res, err := h.serviceCall(ctx, req, method, params)
	if err != nil {
		return nil, err
	}
	return res.Struct(), nil
}

// isServiceMethod reports whether a method is a service's operation, as
// call dispatches it (a system method it does not know is looked up as a
// service's, and is none).
func isServiceMethod(method string) bool {
	return !strings.HasPrefix(method, "system.") && !strings.HasPrefix(method, "session.")
}

// serviceCall calls a service's operation. Its result is walked: a single
// call's response is written from what the operation made (its generated
// response), without neutral values in between.
func (h *Handler) serviceCall(ctx context.Context, req *request, method string, params []any) (gateway.Result, error) {
	svcName, opName, ok := strings.Cut(method, ".")
	if !ok {
		return nil, gateway.NewFault(gateway.FaultNoSuchMethod, "no such method %q", method)
	}
	svc, op, err := h.core.Services().Lookup(svcName, opName)
	if err != nil {
		return nil, gateway.NewFault(gateway.FaultNoSuchMethod, "no such method %q", method)
	}
	start := time.Now()
	out, err := h.invoke(ctx, req, svc, op, params)
	h.core.Metrics().ObserveCall(gateway.ProtocolXMLRPC, svc.Name, op.Name, err, time.Since(start))
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (h *Handler) invoke(ctx context.Context, req *request, svc *gateway.Service, op *wsdl.Operation, params []any) (gateway.Result, error) {
	s, err := h.session(ctx, req)
	if err != nil {
		return nil, err
	}
	in, err := bindParams(op, params)
	if err != nil {
		return nil, err
	}
	return h.core.InvokeWalked(ctx, s, svc, op, in)
}

func (h *Handler) login(ctx context.Context, req *request, params []any) (any, error) {
	var in gateway.Struct
	switch {
	case len(params) == 2:
		u, ok1 := params[0].(string)
		p, ok2 := params[1].(string)
		if !ok1 || !ok2 {
			return nil, gateway.NewFault(gateway.FaultInvalidParams, "session.login takes (username string, password string)")
		}
		in = gateway.Struct{{Name: "username", Value: u}, {Name: "password", Value: p}}
	case len(params) == 1:
		st, ok := params[0].(gateway.Struct)
		if !ok {
			return nil, gateway.NewFault(gateway.FaultInvalidParams, "session.login takes (username, password) or {username, password}")
		}
		in = gateway.Struct{{Name: "username", Value: st.String("username")}, {Name: "password", Value: st.String("password")}}
	default:
		return nil, gateway.NewFault(gateway.FaultInvalidParams, "session.login takes (username, password)")
	}
	res, err := h.core.CallSession(ctx, gateway.SessionCall{Protocol: gateway.ProtocolXMLRPC, Operation: "Login", Params: in,
		Client: h.opts.Remote.Client(req.r, gateway.ProtocolXMLRPC)})
	if err != nil {
		return nil, err
	}
	httpx.SetSession(req.w, req.r, res.Token)
	req.resolved, req.session, req.err = true, res.Session, nil // later calls of a multicall use it
	return res.Output, nil
}

// sessionOps are the XML-RPC names of the session service's operations.
var sessionOps = map[string]string{"session.logout": "Logout", "session.whoami": "WhoAmI", "session.events": "Events"}

// sessionCall runs session.logout, session.whoami and session.events: the
// core's session service, as every front end runs it; the transport's
// part is the cookie, and reading the events' parameters.
func (h *Handler) sessionCall(ctx context.Context, req *request, method string, params []any) (any, error) {
	op, ok := sessionOps[method]
	if !ok {
		return nil, gateway.NewFault(gateway.FaultNoSuchMethod, "no such method %q", method)
	}
	in := gateway.Struct{}
	if op == "Events" {
		since, wait, err := eventParams(params)
		if err != nil {
			return nil, err
		}
		in = gateway.Struct{{Name: "since", Value: int64(since)}, {Name: "wait", Value: int64(math.Ceil(wait.Seconds()))}}
	}
	s, err := h.session(ctx, req)
	if err != nil {
		h.core.Metrics().ObserveCall(gateway.ProtocolXMLRPC, gateway.SessionService, op, err, 0)
		return nil, err
	}
	res, err := h.core.CallSession(ctx, gateway.SessionCall{Protocol: gateway.ProtocolXMLRPC, Operation: op, Params: in, Session: s})
	if err != nil {
		return nil, err
	}
	if res.LoggedOut {
		httpx.ClearSession(req.w, req.r)
		req.session, req.err = nil, gateway.NewFault(gateway.FaultUnauthenticated, "logged out")
		return true, nil
	}
	return res.Output, nil
}

func eventParams(params []any) (since uint64, wait time.Duration, err error) {
	if len(params) == 1 {
		if st, ok := params[0].(gateway.Struct); ok {
			s, _ := st.Get("since")
			w, _ := st.Get("wait")
			params = []any{s, w}
		}
	}
	if len(params) > 2 {
		return 0, 0, gateway.NewFault(gateway.FaultInvalidParams, "session.events takes (since int, wait int)")
	}
	nums := [2]float64{}
	for i, p := range params {
		switch v := p.(type) {
		case nil:
		case int64:
			nums[i] = float64(v)
		case float64:
			nums[i] = v
		default:
			return 0, 0, gateway.NewFault(gateway.FaultInvalidParams, "session.events takes (since int, wait int): got %s", gateway.KindOf(p))
		}
	}
	if nums[0] < 0 || nums[1] < 0 {
		return 0, 0, gateway.NewFault(gateway.FaultInvalidParams, "session.events: since and wait must not be negative")
	}
	return uint64(nums[0]), time.Duration(min(nums[1], gateway.MaxEventWait.Seconds()) * float64(time.Second)), nil
}

// bindParams turns XML-RPC parameters into the input wrapper's members: one
// struct of named members, or the members positionally in schema order.
func bindParams(op *wsdl.Operation, params []any) (gateway.Struct, error) {
	fields := op.Input.Type.Fields
	if len(params) == 0 {
		return gateway.Struct{}, nil
	}
	if st, ok := params[0].(gateway.Struct); ok && len(params) == 1 && isStructForm(fields, st) {
		return st, nil
	}
	if len(params) > len(fields) {
		return nil, gateway.NewFault(gateway.FaultInvalidParams, "%s takes at most %d parameters (%s), got %d",
			op.Name, len(fields), fieldNames(fields), len(params))
	}
	out := make(gateway.Struct, len(params))
	for i, p := range params {
		out[i] = gateway.Member{Name: fields[i].Name.Local, Value: p}
	}
	return out, nil
}

// isStructForm tells the one-struct form from a single positional struct
// parameter: only when the operation's one field is itself a struct can they
// be confused, and then the struct form names that field.
func isStructForm(fields []*wsdl.Element, st gateway.Struct) bool {
	if len(fields) != 1 || fields[0].Type.Kind != wsdl.KindStruct {
		return true
	}
	_, named := st.Get(fields[0].Name.Local)
	return named
}

func fieldNames(fields []*wsdl.Element) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name.Local
	}
	return strings.Join(names, ", ")
}

func stringParam(params []any) (string, error) {
	if len(params) == 1 {
		if s, ok := params[0].(string); ok {
			return s, nil
		}
	}
	return "", gateway.NewFault(gateway.FaultInvalidParams, "expected one string parameter")
}

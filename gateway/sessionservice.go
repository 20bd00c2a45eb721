package gateway

import (
	"context"
	"embed"
	"time"

	"gateway/wsdl"
)

// The session service: Login, Logout, WhoAmI and Events, defined by one
// WSDL (session.wsdl) and implemented here, once, for every front end.
// Each front end turns its own form of the call into a SessionCall (XML-RPC's
// session.login(username, password), SOAP's /soap/session, the portal's
// forms) and does with the result only what its transport alone can
// (setting or clearing the session cookie); the checks, faults, audit lines
// and metrics are the same on every protocol.

// SessionService is the session service's name: /soap/session, the
// XML-RPC methods session.*.
const SessionService = "session"

//go:embed session.wsdl
var sessionFS embed.FS

// loadSessionDefinition reads the session service's WSDL from the binary.
func loadSessionDefinition() *wsdl.Definition {
	def, err := wsdl.LoadFS(sessionFS, "session.wsdl")
	if err != nil {
		panic("session.wsdl: " + err.Error()) // built in: a test loads it
	}
	return def
}

// SessionDefinition is the session service's WSDL.
func (c *Core) SessionDefinition() *wsdl.Definition { return c.sessionDef }

// SessionCall is one call of the session service.
type SessionCall struct {
	Protocol  string // the front end, for metrics
	Operation string // Login, Logout, WhoAmI, Events
	Params    Struct // the operation's input members
	// Session is the caller's (every operation but Login needs one);
	// Client is who logs in (Login).
	Session *Session
	Client  ClientInfo
}

// SessionResult is a session call's output, and for the transport what it
// did: the new session and its token (Login), or that the session ended
// (Logout).
type SessionResult struct {
	Output    Struct
	Token     string
	Session   *Session
	LoggedOut bool
}

// CallSession runs an operation of the session service.
func (c *Core) CallSession(ctx context.Context, call SessionCall) (res SessionResult, err error) {
	start := time.Now()
	defer func() { c.metrics.ObserveCall(call.Protocol, SessionService, call.Operation, err, time.Since(start)) }()
	op := c.sessionDef.Operation(call.Operation)
	if op == nil {
		return res, NewFault(FaultNoSuchMethod, "the session service has no operation %s", call.Operation)
	}
	params, err := CheckInput(op.Input, call.Params)
	if err != nil {
		return res, err
	}
	if op.Name == "Login" {
		creds := Credentials{Username: params.String("username"), Password: params.String("password")}
		token, s, err := c.Login(ctx, creds, call.Client)
		if err != nil {
			return res, err
		}
		return SessionResult{Output: LoginValue(token, s), Token: token, Session: s}, nil
	}
	s := call.Session
	if s == nil {
		return res, NewFault(FaultUnauthenticated, "no session")
	}
	switch op.Name {
	case "Logout":
		if err := c.Logout(ctx, s); err != nil {
			return res, err
		}
		return SessionResult{Output: Struct{{Name: "result", Value: true}}, LoggedOut: true}, nil
	case "WhoAmI":
		clients, err := c.Perspective(s).Clients(ctx)
		if err != nil {
			return res, err
		}
		return SessionResult{Output: WhoAmIValue(s.Identity, clients)}, nil
	case "Events":
		since, wait := params.Int("since"), params.Int("wait")
		if since < 0 || wait < 0 {
			return res, NewFault(FaultInvalidParams, "since and wait must not be negative")
		}
		evs, next, err := c.Perspective(s).Events(ctx, uint64(since), min(time.Duration(wait)*time.Second, MaxEventWait))
		if err != nil {
			return res, err
		}
		return SessionResult{Output: EventsValue(evs, next)}, nil
	}
	return res, NewFault(FaultNoSuchMethod, "the session service has no operation %s", op.Name)
}

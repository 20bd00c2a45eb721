// Package gatewaytest builds a real core in memory for tests of services
// and front ends: sessions, perspectives, events and dispatch as the
// gateway runs them, with users from a table instead of a directory.
//
//	core := gatewaytest.New(t, gatewaytest.Users{"bob": {Password: "pw", Groups: []string{"staff"}}}, svc)
//	result, err := gatewaytest.Call(t, core, "bob", "inventory", "GetItem", gateway.Struct{{Name: "sku", Value: "A-1"}})
package gatewaytest

import (
	"context"
	"log/slog"
	"testing"

	"gateway/gateway"
)

// User is a user of the table authorizer.
type User struct {
	Password    string
	DisplayName string
	Groups      []string
}

// Users are the users a test core knows, by username.
type Users map[string]User

// Authenticate implements gateway.Authorizer: the password must match.
func (u Users) Authenticate(_ context.Context, creds gateway.Credentials) (gateway.Identity, error) {
	user, ok := u[creds.Username]
	if !ok || user.Password == "" || user.Password != creds.Password {
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "invalid username or password")
	}
	return gateway.Identity{Username: creds.Username, DN: "uid=" + creds.Username + ",ou=test", DisplayName: user.DisplayName, Groups: user.Groups}, nil
}

var _ gateway.Authorizer = Users(nil)

// New is a core over services, with users, sessions and events in memory.
func New(t testing.TB, users Users, services ...*gateway.Service) *gateway.Core {
	t.Helper()
	reg, err := gateway.NewRegistry(services...)
	if err != nil {
		t.Fatal(err)
	}
	return gateway.New(users, gateway.NewMemoryStore(), gateway.NewMemoryEventLog(0), reg, slog.New(slog.DiscardHandler), gateway.Config{})
}

// Session logs user in (with the password the table has) as a client of
// protocol "test" and returns the session; its perspective is
// core.Perspective(session).
func Session(t testing.TB, core *gateway.Core, user string) *gateway.Session {
	t.Helper()
	users, ok := authorizerOf(core)
	password := ""
	if ok {
		password = users[user].Password
	}
	_, s, err := core.Login(t.Context(), gateway.Credentials{Username: user, Password: password},
		gateway.ClientInfo{Protocol: "test", Remote: "127.0.0.1", UserAgent: "gatewaytest"})
	if err != nil {
		t.Fatalf("log %s in: %v", user, err)
	}
	return s
}

// Call invokes service.operation as user, through the core's dispatch
// (groups, the schema check of parameters and result), and returns the
// result or the fault.
func Call(t testing.TB, core *gateway.Core, user, service, operation string, params gateway.Struct) (gateway.Struct, error) {
	t.Helper()
	svc, op, err := core.Services().Lookup(service, operation)
	if err != nil {
		return nil, err
	}
	return core.Invoke(t.Context(), Session(t, core, user), svc, op, params)
}

// Perspective is user's perspective in core: a real one, whose Clients and
// Publish work.
func Perspective(t testing.TB, core *gateway.Core, user string) *gateway.Perspective {
	t.Helper()
	return core.Perspective(Session(t, core, user))
}

// authorizerOf finds the table behind a core made by New.
func authorizerOf(core *gateway.Core) (Users, bool) {
	u, ok := core.Authorizer().(Users)
	return u, ok
}

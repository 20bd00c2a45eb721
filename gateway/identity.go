package gateway

import (
	"context"
	"slices"
)

// Identity is who a user is, as the directory says.
type Identity struct {
	Username    string
	DN          string
	DisplayName string
	Groups      []string
}

// InAnyGroup reports whether the identity belongs to one of groups; an empty
// list allows every authenticated identity.
func (id Identity) InAnyGroup(groups []string) bool {
	if len(groups) == 0 {
		return true
	}
	for _, g := range groups {
		if slices.Contains(id.Groups, g) {
			return true
		}
	}
	return false
}

// Credentials are what a user presents to log in.
type Credentials struct {
	Username string
	Password string
}

// Authorizer turns credentials into an identity. It returns a Fault of kind
// FaultUnauthenticated for credentials the directory refuses and
// FaultUnavailable when the directory cannot answer: a caller must never be
// told "bad password" because a server is down.
type Authorizer interface {
	Authenticate(ctx context.Context, creds Credentials) (Identity, error)
}

// ReadinessChecker is implemented by parts whose reachability /readyz reports.
type ReadinessChecker interface {
	Ready(ctx context.Context) error
}

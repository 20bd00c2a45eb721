package gateway

import (
	"context"
	"crypto/x509"
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

// Credentials are what a user presents to log in: one kind of proof per
// value, as Twisted cred's credential interfaces, each checked by the
// authorizer's checker for that kind (see Kind).
type Credentials struct {
	// A username and password (Basic, session.login, the portal's form,
	// WS-Security UsernameToken).
	Username string
	Password string
	// Certificate is the leaf of a client certificate chain that the TLS
	// handshake verified against the configured client CAs and CRLs: the
	// handshake is the proof, so no password goes with it. The authorizer
	// maps it to a directory entry by its configured rule.
	Certificate *x509.Certificate
}

// The kinds of credentials, as Credentials.Kind and ClientInfo.Auth name
// them.
const (
	AuthPassword    = "password"
	AuthCertificate = "certificate"
)

// Kind names the kind of proof the credentials carry.
func (c Credentials) Kind() string {
	if c.Certificate != nil {
		return AuthCertificate
	}
	return AuthPassword
}

// Name is what the credentials claim to be, for logs and the login
// throttle: the username, or a certificate's subject.
func (c Credentials) Name() string {
	if c.Certificate != nil {
		return "cert:" + c.Certificate.Subject.String()
	}
	return c.Username
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

package gateway

import (
	"context"
	"crypto/x509"
	"slices"
	"time"
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
	// Bearer is a token an identity provider signed (an OpenID Connect ID
	// token or a JWT access token), sent as Authorization: Bearer; its
	// checker verifies it. Expires is its exp, read (not trusted) by the
	// front end: a session the token opened ends then.
	Bearer  string
	Expires time.Time
	// Negotiate is a Kerberos SPNEGO token (Authorization: Negotiate), a
	// new authenticator on every call; its checker verifies it with the
	// service's keytab.
	Negotiate []byte
}

// The kinds of credentials, as Credentials.Kind and ClientInfo.Auth name
// them.
const (
	AuthPassword    = "password"
	AuthCertificate = "certificate"
	AuthToken       = "token"
	AuthNegotiate   = "negotiate"
)

// Kind names the kind of proof the credentials carry.
func (c Credentials) Kind() string {
	switch {
	case c.Certificate != nil:
		return AuthCertificate
	case c.Bearer != "":
		return AuthToken
	case len(c.Negotiate) > 0:
		return AuthNegotiate
	}
	return AuthPassword
}

// Name is what the credentials claim to be, for logs and the login
// throttle: the username, or a certificate's subject.
func (c Credentials) Name() string {
	switch {
	case c.Certificate != nil:
		return "cert:" + c.Certificate.Subject.String()
	case c.Bearer != "":
		return "token" // who it names is known only once it is verified
	case len(c.Negotiate) > 0:
		return "negotiate"
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

// Checkers is an Authorizer made of one checker per kind of credentials,
// as Twisted cred's portal hands each credential to the checker of its
// interface: a password and a certificate to the directory, a bearer
// token to the identity provider's checker. A kind with no checker is
// refused.
type Checkers map[string]Authorizer

// Authenticate implements Authorizer.
func (c Checkers) Authenticate(ctx context.Context, creds Credentials) (Identity, error) {
	a, ok := c[creds.Kind()]
	if !ok || a == nil {
		return Identity{}, NewFault(FaultUnauthenticated, "this gateway does not take %s credentials", creds.Kind())
	}
	return a.Authenticate(ctx, creds)
}

// PasswordChanger is an authorizer that changes a user's password given
// the current one: how a user whose password expired (FaultPasswordExpired)
// gets a working one without an administrator.
type PasswordChanger interface {
	ChangePassword(ctx context.Context, username, oldPassword, newPassword string) error
}

// ChangePassword hands a password change to the password checker.
func (c Checkers) ChangePassword(ctx context.Context, username, oldPassword, newPassword string) error {
	if pc, ok := c[AuthPassword].(PasswordChanger); ok {
		return pc.ChangePassword(ctx, username, oldPassword, newPassword)
	}
	return NewFault(FaultForbidden, "passwords cannot be changed here")
}

// ReadinessChecker is implemented by parts whose reachability /readyz reports.
type ReadinessChecker interface {
	Ready(ctx context.Context) error
}

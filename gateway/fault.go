package gateway

import (
	"errors"
	"fmt"
	"strings"
)

// FaultKind is the protocol-neutral class of a fault. Each adapter maps it to
// its own wire format (XML-RPC faultCode, SOAP Code/Subcode, HTTP status).
type FaultKind int

const (
	FaultInternal        FaultKind = iota // a bug or an unexpected condition
	FaultParse                            // the request is not well-formed
	FaultInvalidRequest                   // well-formed, but not a valid request
	FaultNoSuchMethod                     // unknown service or operation
	FaultInvalidParams                    // parameters do not match the schema
	FaultApplication                      // a fault the WSDL declares
	FaultUnauthenticated                  // no, bad or expired session or credentials
	FaultForbidden                        // authenticated, but not allowed
	FaultUnavailable                      // directory or upstream unreachable
	FaultTooManyRequests                  // throttled
	// FaultPasswordExpired: the password was right but has expired, or
	// must be changed before use (after an administrator's reset): the
	// user changes it (the portal offers a form), then signs in.
	FaultPasswordExpired
	// FaultAccountDisabled: the account is disabled, locked out or
	// expired: no password opens it; its administrator must.
	FaultAccountDisabled
)

var faultKindNames = [...]string{
	FaultInternal:        "Internal",
	FaultParse:           "ParseError",
	FaultInvalidRequest:  "InvalidRequest",
	FaultNoSuchMethod:    "NoSuchMethod",
	FaultInvalidParams:   "InvalidParams",
	FaultApplication:     "Application",
	FaultUnauthenticated: "Unauthenticated",
	FaultForbidden:       "Forbidden",
	FaultUnavailable:     "Unavailable",
	FaultTooManyRequests: "TooManyRequests",
	FaultPasswordExpired: "PasswordExpired",
	FaultAccountDisabled: "AccountDisabled",
}

func (k FaultKind) String() string {
	if int(k) < len(faultKindNames) {
		return faultKindNames[k]
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Fault is the error every layer returns to a caller. Message is safe to show
// to the client: it never carries a stack trace, a DN from an LDAP error, a
// password or a token. The wrapped cause is for logs only.
type Fault struct {
	Kind    FaultKind
	Name    string // for FaultApplication: the WSDL fault's name, e.g. "UnknownItem"
	Message string
	Detail  Struct // for FaultApplication: the fault element's content
	Code    int    // an upstream XML-RPC faultCode passed through as it came; 0 otherwise
	cause   error
}

func (f *Fault) Error() string {
	if f.Name != "" {
		return f.Name + ": " + f.Message
	}
	return f.Kind.String() + ": " + f.Message
}

// Unwrap exposes the cause to errors.Is/As in logs and tests.
func (f *Fault) Unwrap() error { return f.cause }

// Is makes errors.Is(err, ErrUnauthenticated) and its siblings match any fault
// of the same kind.
func (f *Fault) Is(target error) bool {
	t, ok := target.(*Fault)
	return ok && t.Kind == f.Kind && (t.Name == "" || t.Name == f.Name) && t.Message == ""
}

// Sentinels for errors.Is.
var (
	ErrUnauthenticated = &Fault{Kind: FaultUnauthenticated}
	ErrForbidden       = &Fault{Kind: FaultForbidden}
	ErrUnavailable     = &Fault{Kind: FaultUnavailable}
	ErrInvalidParams   = &Fault{Kind: FaultInvalidParams}
	ErrNoSuchMethod    = &Fault{Kind: FaultNoSuchMethod}
)

// NewFault makes a fault of kind with a client-safe message.
func NewFault(kind FaultKind, format string, args ...any) *Fault {
	return &Fault{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// WrapFault makes a fault whose client-safe message hides cause.
func WrapFault(kind FaultKind, cause error, format string, args ...any) *Fault {
	return &Fault{Kind: kind, Message: fmt.Sprintf(format, args...), cause: cause}
}

// AppFault is a fault declared by the service's WSDL.
func AppFault(name, message string, detail Struct) *Fault {
	return &Fault{Kind: FaultApplication, Name: name, Message: message, Detail: detail}
}

// AsFault turns any error into a Fault; an error that is not one becomes an
// Internal fault whose message says nothing of the cause.
func AsFault(err error) *Fault {
	var f *Fault
	if errors.As(err, &f) {
		return f
	}
	return &Fault{Kind: FaultInternal, Message: "internal error", cause: err}
}

// Clip shortens a value a caller sent to quote it in a fault message: at
// most 40 bytes, valid UTF-8.
func Clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}

package gateway

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// Protocols a client can attach by.
const (
	ProtocolXMLRPC = "xmlrpc"
	ProtocolSOAP   = "soap"
	ProtocolPortal = "portal"
)

// ClientInfo describes the other side of one session: the cred "client object".
type ClientInfo struct {
	ID         string
	Protocol   string
	Remote     string
	UserAgent  string
	AttachedAt time.Time
	// Auth is how the client proved who it is (AuthPassword,
	// AuthCertificate); the portal shows it.
	Auth string
	// LastSeen is when the client last made a call: filled from its
	// session when clients are listed, not stored with it.
	LastSeen time.Time `json:"-"`
}

// Session binds one client to one identity. The token itself is never stored:
// only its SHA-256, so that neither a memory dump nor a shared store yields
// usable tokens, and lookups by hash do not leak timing about the token.
type Session struct {
	TokenHash  string
	Identity   Identity
	Client     ClientInfo
	CreatedAt  time.Time
	LastSeen   time.Time
	IdleExpiry time.Time // LastSeen + idle timeout
	Deadline   time.Time // CreatedAt + absolute timeout
}

// ExpiresAt is when the session ends if it is not used again.
func (s *Session) ExpiresAt() time.Time {
	if s.IdleExpiry.Before(s.Deadline) {
		return s.IdleExpiry
	}
	return s.Deadline
}

// ExpiryReason says why a session is over at now, or "" if it is not.
func (s *Session) ExpiryReason(now time.Time) DetachReason {
	return expiryReason(now, s.IdleExpiry, s.Deadline)
}

// expiryReason says why a session with these expiries is over at now.
func expiryReason(now, idleExpiry, deadline time.Time) DetachReason {
	switch {
	case !now.Before(deadline):
		return ReasonAbsoluteTimeout
	case !now.Before(idleExpiry):
		return ReasonIdleTimeout
	}
	return ""
}

// NewToken returns 256 bits from crypto/rand, URL-safe.
func NewToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashToken is the key a session is stored under.
func HashToken(token string) string {
	// The token is copied into a stack buffer of its size: converting a
	// string of over 32 bytes to []byte would allocate.
	var in [64]byte
	var sum [sha256.Size]byte
	if len(token) <= len(in) {
		sum = sha256.Sum256(append(in[:0], token...))
	} else {
		sum = sha256.Sum256([]byte(token))
	}
	var buf [2 * sha256.Size]byte
	return string(hex.AppendEncode(buf[:0], sum[:])) // one allocation, the string
}

// newClientID is a short public identifier for a client, safe to show to
// other clients (it is not the token and cannot be turned into it).
func newClientID() string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

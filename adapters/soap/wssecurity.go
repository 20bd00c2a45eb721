package soap

import (
	"strings"
	"sync"
	"time"

	"gateway/gateway"
)

// MaxClockSkew is how far a UsernameToken's Created may be from now, and how
// long a Nonce is remembered.
const MaxClockSkew = 5 * time.Minute

// maxNonces bounds the replay cache; past it the oldest are forgotten first
// (they are the ones closest to leaving the window anyway).
const maxNonces = 100_000

// nonceCache remembers the nonces seen within the skew window.
type nonceCache struct {
	mu    sync.Mutex
	seen  map[string]time.Time // nonce -> forget after
	order []seenNonce          // insertion order, for expiry and the bound
}

type seenNonce struct {
	nonce string
	until time.Time
}

func newNonceCache() *nonceCache { return &nonceCache{seen: make(map[string]time.Time)} }

// fresh records nonce and reports whether it was not seen within the window.
func (c *nonceCache) fresh(nonce string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.order) > 0 && (!now.Before(c.order[0].until) || len(c.order) >= maxNonces) {
		oldest := c.order[0]
		if c.seen[oldest.nonce].Equal(oldest.until) { // not re-recorded since
			delete(c.seen, oldest.nonce)
		}
		c.order = c.order[1:]
	}
	if until, ok := c.seen[nonce]; ok && now.Before(until) {
		return false
	}
	until := now.Add(2 * MaxClockSkew) // Created may lie up to the skew in either direction
	c.seen[nonce] = until
	c.order = append(c.order, seenNonce{nonce, until})
	return true
}

func unauthenticated(format string, args ...any) error {
	return gateway.NewFault(gateway.FaultUnauthenticated, format, args...)
}

// checkUsernameToken validates a UsernameToken before any directory is
// asked: PasswordText only, Created within the skew, Expires not past, a
// Nonce not seen before.
func (c *nonceCache) checkUsernameToken(ut *UsernameToken, now time.Time) (gateway.Credentials, error) {
	if strings.HasSuffix(ut.PasswordType, typeDigest) {
		return gateway.Credentials{}, unauthenticated("WS-Security PasswordDigest cannot be checked against an LDAP directory (a bind needs the password itself): send PasswordText, over TLS")
	}
	if ut.Created != "" {
		created, err := time.Parse(time.RFC3339Nano, ut.Created)
		if err != nil {
			return gateway.Credentials{}, unauthenticated("WS-Security Created %q is not a dateTime", gateway.Clip(ut.Created))
		}
		if d := now.Sub(created); d > MaxClockSkew || d < -MaxClockSkew {
			return gateway.Credentials{}, unauthenticated("WS-Security Created is more than %v from the gateway's clock", MaxClockSkew)
		}
	}
	if ut.TimestampExpires != "" {
		expires, err := time.Parse(time.RFC3339Nano, ut.TimestampExpires)
		if err != nil || !now.Before(expires) {
			return gateway.Credentials{}, unauthenticated("WS-Security Timestamp has expired")
		}
	}
	if ut.Nonce != "" && !c.fresh(ut.Username+"\x00"+ut.Nonce, now) {
		return gateway.Credentials{}, unauthenticated("WS-Security Nonce was already used")
	}
	return gateway.Credentials{Username: ut.Username, Password: ut.Password}, nil
}

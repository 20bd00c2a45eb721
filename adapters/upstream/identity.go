package upstream

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Headers that carry the caller's identity upstream.
const (
	HeaderUser      = "X-Gateway-User"
	HeaderGroups    = "X-Gateway-Groups"
	HeaderTimestamp = "X-Gateway-Timestamp"
	HeaderNonce     = "X-Gateway-Nonce"
	HeaderSignature = "X-Gateway-Signature"
)

// EncodeUser and EncodeGroups write the identity headers' values: the
// username percent-encoded, and the groups as a comma-separated list of
// percent-encoded names, so that a group named "ops,admins" (a legal CN)
// travels as ops%2Cadmins and can never read as two groups, and no name
// can end a header line.
func EncodeUser(user string) string { return url.PathEscape(user) }

// EncodeGroups: see EncodeUser.
func EncodeGroups(groups []string) string {
	enc := make([]string, len(groups))
	for i, g := range groups {
		enc[i] = url.PathEscape(g)
	}
	return strings.Join(enc, ",")
}

// DecodeGroups reads an X-Gateway-Groups value.
func DecodeGroups(v string) ([]string, error) {
	if v == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	for i, p := range parts {
		g, err := url.PathUnescape(p)
		if err != nil {
			return nil, err
		}
		parts[i] = g
	}
	return parts, nil
}

// Signature is the HMAC-SHA256, hex, of these lines, each as sent:
//
//	METHOD
//	PATH
//	X-Gateway-User
//	X-Gateway-Groups
//	X-Gateway-Timestamp (Unix seconds)
//	X-Gateway-Nonce
//	hex SHA-256 of the request body
//
// An upstream that holds the secret recomputes it to trust the identity
// headers. The body's digest binds them to this one request (a captured
// request cannot carry another body), and the nonce lets the upstream
// refuse a replay of the whole request within the timestamp's window.
func Signature(secret []byte, method, path, user, groups string, timestamp int64, nonce string, body []byte) string {
	digest := sha256.Sum256(body)
	mac := hmac.New(sha256.New, secret)
	for _, line := range []string{method, path, user, groups, strconv.FormatInt(timestamp, 10), nonce} {
		mac.Write([]byte(line))
		mac.Write([]byte{'\n'})
	}
	mac.Write([]byte(hex.EncodeToString(digest[:])))
	return hex.EncodeToString(mac.Sum(nil))
}

func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ErrBadSignature is what Verify returns for headers that were not signed
// with the secret for this body, were signed too long ago, or were seen
// before.
var ErrBadSignature = errors.New("gateway identity signature missing, wrong, stale or replayed")

// Caller is a verified caller.
type Caller struct {
	User   string
	Groups []string
}

// Verifier is for Go upstreams: it checks the identity headers of a
// request against the secret, and remembers the nonces of its window so
// that a request is accepted once.
type Verifier struct {
	Secret  []byte
	MaxSkew time.Duration    // how far a timestamp may be from now (1 minute when 0)
	Now     func() time.Time // time.Now when nil

	mu   sync.Mutex
	seen map[string]time.Time // nonce -> when it stops mattering
}

// maxVerifiedBody bounds what Verify reads of a body to digest it.
const maxVerifiedBody = 16 << 20

// Verify checks r and returns its caller. It reads the body (to check its
// digest) and puts it back, so the handler reads it as it was.
func (v *Verifier) Verify(r *http.Request) (Caller, error) {
	now, skew := time.Now, v.MaxSkew
	if v.Now != nil {
		now = v.Now
	}
	if skew <= 0 {
		skew = time.Minute
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxVerifiedBody+1))
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil || len(body) > maxVerifiedBody {
		return Caller{}, ErrBadSignature
	}
	h := r.Header
	ts, err := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64)
	t := now()
	if err != nil || t.Sub(time.Unix(ts, 0)).Abs() > skew {
		return Caller{}, ErrBadSignature
	}
	nonce := h.Get(HeaderNonce)
	want := Signature(v.Secret, r.Method, r.URL.EscapedPath(), h.Get(HeaderUser), h.Get(HeaderGroups), ts, nonce, body)
	if nonce == "" || !hmac.Equal([]byte(want), []byte(h.Get(HeaderSignature))) {
		return Caller{}, ErrBadSignature
	}
	if !v.firstUse(nonce, t, 2*skew) {
		return Caller{}, ErrBadSignature
	}
	user, err := url.PathUnescape(h.Get(HeaderUser))
	if err != nil {
		return Caller{}, ErrBadSignature
	}
	groups, err := DecodeGroups(h.Get(HeaderGroups))
	if err != nil {
		return Caller{}, ErrBadSignature
	}
	return Caller{User: user, Groups: groups}, nil
}

// firstUse records nonce; false if it was seen within its window. Nonces
// past their window are forgotten, so the set holds one window's requests.
func (v *Verifier) firstUse(nonce string, now time.Time, window time.Duration) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.seen == nil {
		v.seen = make(map[string]time.Time)
	}
	if until, ok := v.seen[nonce]; ok && now.Before(until) {
		return false
	}
	if len(v.seen) >= 1024 {
		for n, until := range v.seen {
			if !now.Before(until) {
				delete(v.seen, n)
			}
		}
	}
	v.seen[nonce] = now.Add(window)
	return true
}

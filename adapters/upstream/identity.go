package upstream

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Headers that carry the caller's identity upstream.
const (
	HeaderUser      = "X-Gateway-User"
	HeaderGroups    = "X-Gateway-Groups"
	HeaderTimestamp = "X-Gateway-Timestamp"
	HeaderSignature = "X-Gateway-Signature"
)

// Signature is the HMAC-SHA256, hex, of the method, path, user, groups
// (comma-joined) and Unix timestamp, one per line. An upstream that holds
// the secret recomputes it to trust the identity headers.
func Signature(secret []byte, method, path, user, groups string, timestamp int64) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(method + "\n" + path + "\n" + user + "\n" + groups + "\n" + strconv.FormatInt(timestamp, 10)))
	return hex.EncodeToString(mac.Sum(nil))
}

// ErrBadSignature is what Verify returns for headers that were not signed
// with the secret, or too long ago.
var ErrBadSignature = errors.New("gateway identity signature missing, wrong or stale")

// Verify is for Go upstreams: it checks the identity headers of r against
// secret and returns the caller's user and groups.
func Verify(r *http.Request, secret []byte, maxSkew time.Duration, now time.Time) (string, []string, error) {
	user, groups := r.Header.Get(HeaderUser), r.Header.Get(HeaderGroups)
	ts, err := strconv.ParseInt(r.Header.Get(HeaderTimestamp), 10, 64)
	if err != nil || now.Sub(time.Unix(ts, 0)).Abs() > maxSkew {
		return "", nil, ErrBadSignature
	}
	want := Signature(secret, r.Method, r.URL.Path, user, groups, ts)
	if !hmac.Equal([]byte(want), []byte(r.Header.Get(HeaderSignature))) {
		return "", nil, ErrBadSignature
	}
	var list []string
	if groups != "" {
		list = strings.Split(groups, ",")
	}
	return user, list, nil
}

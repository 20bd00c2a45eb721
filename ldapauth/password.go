package ldapauth

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"strings"
)

// checkPassword verifies password against a userPassword value: the
// {SSHA}, {SSHA256}, {SSHA512} salted hashes slapd makes, their unsalted
// forms, or (for test data only) a clear-text value. Unknown schemes fail.
func checkPassword(stored, password string) bool {
	if !strings.HasPrefix(stored, "{") {
		return subtle.ConstantTimeCompare([]byte(stored), []byte(password)) == 1
	}
	scheme, encoded, ok := strings.Cut(stored[1:], "}")
	if !ok {
		return false
	}
	var newHash func() hash.Hash
	salted := strings.HasPrefix(strings.ToUpper(scheme), "S")
	switch strings.ToUpper(scheme) {
	case "SHA", "SSHA":
		newHash = sha1.New
	case "SHA256", "SSHA256":
		newHash = sha256.New
	case "SHA512", "SSHA512":
		newHash = sha512.New
	default:
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return false
	}
	h := newHash()
	size := h.Size()
	if len(raw) < size || (!salted && len(raw) != size) {
		return false
	}
	h.Write([]byte(password))
	h.Write(raw[size:]) // the salt, if any
	return subtle.ConstantTimeCompare(h.Sum(nil), raw[:size]) == 1
}

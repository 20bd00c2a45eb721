package httpx

import (
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
)

// TestHeaderValue: the headers read by HeaderValue are named in their
// canonical form, as net/http stores what it reads, whatever case a client
// sent.
func TestHeaderValue(t *testing.T) {
	for _, key := range []string{"Content-Type", "Content-Encoding", "Soapaction", "Authorization", HeaderName} {
		if c := textproto.CanonicalMIMEHeaderKey(key); c != key {
			t.Errorf("%q is read as %q", key, c)
		}
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set(strings.ToLower(key), "v")
		if got := HeaderValue(r, key); got != "v" {
			t.Errorf("HeaderValue(%s) = %q", key, got)
		}
	}
}

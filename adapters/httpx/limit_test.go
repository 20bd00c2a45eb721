package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLimitBody: through a real net/http server, a body whose length is
// declared is refused 413 before it is read when over the limit, and read
// whole when under it; a chunked body (no length) is read up to the limit
// and fails past it with *http.MaxBytesError.
func TestLimitBody(t *testing.T) {
	const limit = 10
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !LimitBody(w, r, limit) {
			return
		}
		b, err := ReadBody(r, make([]byte, 0, 64))
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "read past the limit", http.StatusRequestEntityTooLarge)
			return
		}
		fmt.Fprintf(w, "read %q", b)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name     string
		body     string
		declared bool
		status   int
		answer   string
	}{
		{"declared, under", "12345678", true, 200, `read "12345678"`},
		{"declared, at", "1234567890", true, 200, `read "1234567890"`},
		{"declared, over", "123456789012", true, 413, "request body too large"},
		{"chunked, under", "12345678", false, 200, `read "12345678"`},
		{"chunked, over", "123456789012", false, 413, "read past the limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tc.body)
			if !tc.declared {
				body = io.MultiReader(body) // a reader of unknown length: sent chunked
			}
			req, _ := http.NewRequest(http.MethodPost, srv.URL, body)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(got), tc.answer) {
				t.Errorf("%d %q, want %d %q", resp.StatusCode, got, tc.status, tc.answer)
			}
		})
	}
}

// Package handlerbench drives an http.Handler in process for benchmarks
// without the cost of building each request: one request per goroutine is
// reused, its body rewound, and the response is kept only long enough to be
// checked. What a profile of such a benchmark shows allocating is the
// handler's own work, not the harness's.
package handlerbench

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"gateway/gateway"
)

// body is a rewindable request body.
type body struct{ bytes.Reader }

func (*body) Close() error { return nil }

// recorder is a ResponseWriter that keeps the last response.
type recorder struct {
	header http.Header
	code   int
	out    bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.out.Write(p)
}

// Run calls h with the request (method, target, payload, headers) b.N times
// over RunParallel, and fails the benchmark unless each answer is 200 and
// contains want.
func Run(b *testing.B, h http.Handler, method, target string, payload []byte, headers map[string]string, want string) {
	b.Helper()
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	b.RunParallel(func(pb *testing.PB) {
		// The context is one the request-ID middleware fills in place, as
		// the default engine (adapters/fastserve) gives its reused requests.
		req := httptest.NewRequestWithContext(gateway.ReusableRequestContext(context.Background()), method, target, nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		rd := &body{}
		w := &recorder{header: http.Header{}}
		for pb.Next() {
			rd.Reset(payload)
			req.Body = rd
			req.ContentLength = int64(len(payload))
			clear(w.header)
			w.code = 0
			w.out.Reset()
			h.ServeHTTP(w, req)
			if w.code != http.StatusOK || !bytes.Contains(w.out.Bytes(), []byte(want)) {
				b.Fatalf("%d %s", w.code, w.out.Bytes())
			}
		}
	})
}

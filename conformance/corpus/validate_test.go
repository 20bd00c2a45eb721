package corpus_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// validatingProxy stands between a generated client and the gateway and
// checks every request and every answer that passes against the OpenAPI
// document the gateway published (kin-openapi's openapi3filter): what a
// client generated from the document sends must fit it, and so must what
// the gateway answers, faults included. It returns the proxy's URL and a
// function that fails the test with every mismatch seen and says how many
// exchanges were checked.
func validatingProxy(t *testing.T, gateway string, doc []byte) (string, func() int) {
	t.Helper()
	spec, err := openapi3.NewLoader().LoadFromData(doc)
	if err != nil {
		t.Fatalf("the document does not load in kin-openapi: %v", err)
	}
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse(gateway)
	var (
		mu       sync.Mutex
		problems []string
		checked  int
	)
	note := func(format string, args ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		req := resp.Request // as sent to the gateway: its host is the document's server
		body, _ := req.Context().Value(bodyKey{}).([]byte)
		vreq := req.Clone(context.Background())
		vreq.Body = io.NopCloser(bytes.NewReader(body))
		route, params, err := router.FindRoute(vreq)
		if err != nil {
			note("%s %s: no operation in the document: %v", req.Method, req.URL.Path, err)
			return nil
		}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			return nil // a stream has no JSON body to check
		}
		in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		// A request the test sends wrong on purpose is the gateway's to
		// refuse (400); every other request must fit the document.
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && resp.StatusCode != http.StatusBadRequest {
			note("%s %s %s: the request does not fit the document: %v", req.Method, req.URL.Path, body, err)
		}
		answer, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(answer))
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
			Body: io.NopCloser(bytes.NewReader(answer))}
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			note("%s %s: the answer %d %s does not fit the document: %v", req.Method, req.URL.Path, resp.StatusCode, answer, err)
		}
		mu.Lock()
		checked++
		mu.Unlock()
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), bodyKey{}, body)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() int {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Error(p)
		}
		return checked
	}
}

type bodyKey struct{}

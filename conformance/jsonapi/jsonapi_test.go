// Package jsonapi_test drives the built binary's JSON front end with
// Python's requests beside XML-RPC and SOAP clients of the same user.
package jsonapi_test

import (
	"path/filepath"
	"strings"
	"testing"

	"gateway/conformance/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// TestCrossProtocol: a JSON login is seen as attached by an XML-RPC
// long-poll, a reservation made over JSON is listed over SOAP, a JSON
// fault is a problem document, and the OpenAPI document names the
// gateway's own address.
func TestCrossProtocol(t *testing.T) {
	gw := harness.Start(t, harness.Binary(t), "")
	if out := harness.RunScript(t, filepath.Join("clients", "cross.py"), gw.URL); !strings.Contains(out, "all checks passed") {
		t.Fatal(out)
	}
}

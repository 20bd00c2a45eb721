// Package jsonapi_test drives the built binary's JSON front end with
// Python's requests beside XML-RPC and SOAP clients of the same user.
package jsonapi_test

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// TestOpenAPILintsClean: Redocly's CLI (from npm) finds the OpenAPI
// documents of the inventory and of corpus services of every construct
// valid, with no warning.
func TestOpenAPILintsClean(t *testing.T) {
	npx, err := exec.LookPath("npx")
	if err != nil {
		t.Fatalf("npx is not installed (make test installs npm): %v", err)
	}
	gw := harness.Start(t, harness.Binary(t), `services:
  - {name: inventory, builtin: inventory}
  - {name: hl7, wsdl: conformance/wsdls/hl7v3-choices.wsdl, backend: {kind: soap, url: "http://127.0.0.1:1/hl7"}}
  - {name: ogc, wsdl: conformance/wsdls/ogc-features.wsdl, backend: {kind: soap, url: "http://127.0.0.1:1/ogc"}}
  - {name: metadata, wsdl: conformance/wsdls/sforce-metadata.wsdl, backend: {kind: soap, url: "http://127.0.0.1:1/md"}}
  - {name: pain, wsdl: conformance/wsdls/iso20022-payments.wsdl, backend: {kind: soap, url: "http://127.0.0.1:1/pain"}}
  - {name: axis, wsdl: conformance/wsdls/axis-rpc-encoded.wsdl, backend: {kind: soap, url: "http://127.0.0.1:1/axis"}}
  - {name: ews, wsdl: conformance/wsdls/ews-headers.wsdl, backend: {kind: soap, url: "http://127.0.0.1:1/ews"}}
`)
	dir := t.TempDir()
	for _, doc := range []string{"openapi.json", "hl7/openapi.json", "inventory/openapi.json"} {
		resp, err := http.Get(gw.URL + "/api/" + doc)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		file := filepath.Join(dir, strings.ReplaceAll(doc, "/", "-"))
		if err := os.WriteFile(file, body, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(npx, "--yes", "@redocly/cli@2.77.0", "lint", "--config", "redocly.yaml", file)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Your API description is valid") || regexp.MustCompile(`You have \d+ warning`).Match(out) {
			t.Errorf("redocly lint %s: %v\n%s", doc, err, out)
		}
	}
}

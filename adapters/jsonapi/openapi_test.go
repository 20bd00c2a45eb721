package jsonapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"gateway/adapters/jsonapi"
	"gateway/examples/inventory"
	"gateway/gateway"
	"gateway/gateway/gatewaytest"
	"gateway/gateway/xmlbind"
	"gateway/wsdl"
)

// server is the JSON front end over a real in-memory core with the
// inventory and corpus services.
func server(t *testing.T, wsdls ...string) *httptest.Server {
	t.Helper()
	def, err := wsdl.Load("../../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	services := []*gateway.Service{{Name: "inventory", Definition: def, Impl: xmlbind.MustMethods(def, inventory.New())}}
	for _, path := range wsdls {
		d, err := wsdl.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(path[strings.LastIndex(path, "/")+1:], ".wsdl")
		services = append(services, &gateway.Service{Name: name, Definition: d, Impl: echo{}})
	}
	core := gatewaytest.New(t, gatewaytest.Users{"bob": {Password: "builder", Groups: []string{"staff"}}}, services...)
	srv := httptest.NewServer(jsonapi.New(core, jsonapi.Options{}))
	t.Cleanup(srv.Close)
	return srv
}

// TestOpenAPIDocumentsLoad: the generated documents, for the inventory and
// for corpus WSDLs of every construct, load and validate as OpenAPI.
func TestOpenAPIDocumentsLoad(t *testing.T) {
	corpus := []string{"../../conformance/wsdls/hl7v3-choices.wsdl", "../../conformance/wsdls/ogc-features.wsdl", "../../conformance/wsdls/sforce-metadata.wsdl",
		"../../conformance/wsdls/paypal-amounts.wsdl", "../../conformance/wsdls/iso20022-payments.wsdl", "../../conformance/wsdls/axis-rpc-encoded.wsdl"}
	srv := server(t, corpus...)
	for _, path := range []string{"/api/openapi.json", "/api/inventory/openapi.json", "/api/hl7v3-choices/openapi.json"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := openapi3.NewLoader().LoadFromIoReader(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := doc.Validate(t.Context()); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		if doc.Paths.Find("/api/session/login") == nil {
			t.Errorf("%s: no session paths", path)
		}
	}
}

// echo answers any operation with its parameters.
type echo struct{}

func (echo) Invoke(_ context.Context, call *gateway.Call) (gateway.Struct, error) {
	return call.Params, nil
}

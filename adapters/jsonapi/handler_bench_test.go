package jsonapi_test

import (
	"net/http"
	"testing"

	"gateway/adapters/jsonapi"
	"gateway/internal/handlerbench"
)

// BenchmarkHandlerGetItem is one whole JSON call in process: decode,
// session lookup, checks, the inventory, encode (scenario 9 without the
// network), to set beside the XML-RPC and SOAP handlers' benchmarks.
func BenchmarkHandlerGetItem(b *testing.B) {
	core, token, log := handlerbench.Inventory(b, "../../examples/inventory/inventory.wsdl", "json")
	h := jsonapi.New(core, jsonapi.Options{Log: log})
	body := []byte(`{"sku":"A-1"}`)
	handlerbench.Run(b, h, http.MethodPost, "/api/inventory/GetItem", body, map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + token}, "Widget")
}

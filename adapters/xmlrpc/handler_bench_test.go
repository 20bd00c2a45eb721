package xmlrpc_test

import (
	"net/http"
	"testing"

	"gateway/adapters/xmlrpc"
	"gateway/internal/handlerbench"
)

// BenchmarkHandlerGetItem is one whole XML-RPC call in process: decode,
// session lookup, checks, the inventory, encode (scenario 1 without the
// network).
func BenchmarkHandlerGetItem(b *testing.B) {
	core, token, log := handlerbench.Inventory(b, "../../examples/inventory/inventory.wsdl", "xmlrpc")
	h := xmlrpc.New(core, xmlrpc.Options{Log: log})
	body := []byte(`<?xml version="1.0"?><methodCall><methodName>inventory.GetItem</methodName><params><param><value><string>A-1</string></value></param></params></methodCall>`)
	handlerbench.Run(b, h, http.MethodPost, "/xmlrpc", body, map[string]string{"Content-Type": "text/xml", "X-Gateway-Session": token}, "Widget")
}

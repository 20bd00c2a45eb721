package soap

import (
	"net/http"
	"strings"
	"testing"

	"gateway/internal/handlerbench"
)

// BenchmarkHandlerGetItem is one whole SOAP 1.1 call in process: decode,
// session header, checks, the inventory, encode (scenario 2 without the
// network).
func BenchmarkHandlerGetItem(b *testing.B) {
	core, token, log := handlerbench.Inventory(b, "../../examples/inventory/inventory.wsdl", "soap")
	h, err := New(core, Options{Log: log})
	if err != nil {
		b.Fatal(err)
	}
	body := strings.Replace(string(getItemEnvelope), "bJ3xq1d0wS8pQmX6yZ2vN4cT7kL9hF5gR0aE8uI1oP3", token, 1)
	handlerbench.Run(b, h, http.MethodPost, "/soap/inventory", []byte(body), map[string]string{"Content-Type": "text/xml"}, "Widget")
}
